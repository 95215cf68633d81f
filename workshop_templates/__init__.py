"""The workshop templates that ``talkkit new`` copies (one folder each: ``kit.yaml``,
``kit.ipynb``, ``media/talk.txt``).

A package only so that it is installed beside ``talkkit`` (``pip install .`` puts it in
site-packages with its files as package data); ``talkkit.paths.templates_dir`` finds it there
and in a checkout alike. No code here.
"""

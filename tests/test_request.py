"""Does a kit page read its address defensively (anyone can type any address)?"""

from __future__ import annotations

from talkkit.page.request import parse_request

URL = "http://127.0.0.1:8866/voila/render/tidlig-opsporing/kit.ipynb"


def test_reads_language_facilitator_and_media_base():
    ctx = parse_request(URL + "?lang=sv-SE&facilitator=1&theme=dark")
    assert ctx.language == "sv"
    assert ctx.facilitator is True
    assert ctx.media_base == "/voila/files/tidlig-opsporing/"
    assert ctx.theme == "dark"


def test_server_extension_prefix_is_kept():
    ctx = parse_request("https://hub.example/user/x/voila/render/kits/a/kit.ipynb")
    assert ctx.media_base == "/user/x/voila/files/kits/a/"


def test_bad_values_fall_back():
    ctx = parse_request(URL + "?lang=<script>&facilitator=maybe&event=a'b&session=x&theme=red")
    assert ctx.language is None
    assert ctx.facilitator is False
    assert ctx.event_code is None and ctx.session_id is None
    assert ctx.theme is None


def test_tokens_accepted_when_well_formed():
    ctx = parse_request(URL, "event=ABCD-1234&session=abcdEFGH_ijkl-mnop")
    assert ctx.event_code == "ABCD-1234"
    assert ctx.session_id == "abcdEFGH_ijkl-mnop"


def test_no_address_at_all():
    ctx = parse_request(None)
    assert ctx.media_base == "" and ctx.language is None


def test_preheated_kernel_reads_the_path_from_script_name(monkeypatch):
    """With preheated kernels Voilà sends only SCRIPT_NAME: are media addresses still right?"""
    from talkkit.page.request import from_environment

    monkeypatch.delenv("VOILA_REQUEST_URL", raising=False)
    monkeypatch.setenv("SCRIPT_NAME", "/voila/render/tidlig-opsporing/kit.ipynb")
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    ctx = from_environment()
    assert ctx.media_base == "/voila/files/tidlig-opsporing/"
    assert ctx.language == "en"


def test_session_cookies_are_read_per_kit_and_checked():
    """Only well-formed ``talkkit_session_<kit>`` cookies count; other cookies are ignored."""
    from talkkit.page.request import parse_cookies

    header = (
        "_xsrf=2|abc|def; talkkit_session_tidlig-opsporing=lCqC14lEuBeXtJydFLiDIw; "
        "talkkit_session_skolfranvaro=<script>; talkkit_session_../etc=abcdefgh; "
        "talkkit_session_=abcdefgh; other=talkkit_session_x"
    )
    assert parse_cookies(header) == {"tidlig-opsporing": "lCqC14lEuBeXtJydFLiDIw"}
    assert parse_cookies(None) == {} and parse_cookies("") == {}
    assert parse_cookies("talkkit_session_a=" + "x" * 65) == {}
    ctx = parse_request(URL, "", header)
    assert ctx.browser_session("tidlig-opsporing") == "lCqC14lEuBeXtJydFLiDIw"
    assert ctx.browser_session("skolfranvaro") is None

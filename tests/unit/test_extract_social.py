"""social_profile and mayor_profile: accounts accepted, look-alikes rejected with a reason."""
import pytest

from crawler.extract.social import Rejected, parse_account
from tests.extract_helpers import ctx, page, reasons_of, signals_of


@pytest.mark.parametrize(("url", "platform", "handle"), [
    ("https://www.facebook.com/MunicipioEjemplo/", "facebook", "municipioejemplo"),
    ("https://es-la.facebook.com/profile.php?id=61565129642422&locale=es_LA", "facebook", "61565129642422"),
    ("https://www.facebook.com/Sapas-254747391330107/", "facebook", "sapas-254747391330107"),
    ("https://www.facebook.com/pages/Gobierno-Municipal/123456789", "facebook", "123456789"),
    ("https://twitter.com/GobMunicipio", "x", "gobmunicipio"),
    ("https://x.com/gobmunicipio?ref_src=twsrc", "x", "gobmunicipio"),
    ("https://twitter.com/#!/GobMunicipio", "x", "gobmunicipio"),
    ("https://www.instagram.com/gob.municipio/", "instagram", "gob.municipio"),
    ("https://www.youtube.com/@GobMunicipio", "youtube", "@gobmunicipio"),
    ("https://www.youtube.com/channel/UCabcdef123", "youtube", "channel/UCabcdef123"),
    ("https://www.tiktok.com/@gobmunicipio", "tiktok", "@gobmunicipio"),
    ("https://www.linkedin.com/company/gob-municipio/", "linkedin", "company/gob-municipio"),
    ("https://wa.me/5214421234567", "whatsapp", "5214421234567"),
    ("https://api.whatsapp.com/send?phone=524421234567", "whatsapp", "524421234567"),
    ("https://t.me/gobmunicipio", "telegram", "gobmunicipio"),
])
def test_accounts(url, platform, handle):
    account = parse_account(url)
    assert (account.platform, account.handle) == (platform, handle)
    assert account.identity == f"{platform}:{handle}"


@pytest.mark.parametrize(("url", "reason"), [
    ("https://www.facebook.com/sharer/sharer.php?u=https://muni.gob.mx", "share_link"),
    ("https://www.facebook.com/sharer.php?u=x", "share_link"),
    ("https://twitter.com/intent/tweet?text=hola", "share_link"),
    ("https://twitter.com/share?url=x", "share_link"),
    ("https://www.linkedin.com/shareArticle?mini=true", "share_link"),
    ("https://api.whatsapp.com/send?text=hola", "share_link"),
    ("https://facebook.com", "bare_root"),
    ("https://www.facebook.com/", "bare_root"),
    ("https://twitter.com/", "bare_root"),
    ("https://www.facebook.com/colorlib", "demo_account"),
    ("https://twitter.com/envato", "demo_account"),
    ("https://www.facebook.com/yourpage", "demo_account"),
    ("https://www.instagram.com/username", "demo_account"),
    ("https://www.instagram.com/p/Cx123/", "not_account"),
    ("https://x.com/this_handle_is_far_too_long", "malformed"),
])
def test_rejections(url, reason):
    with pytest.raises(Rejected) as exc:
        parse_account(url)
    assert exc.value.args[0] == reason


def test_link_and_plugin_of_one_account_are_one_signal_per_copy():
    html = page("""
      <a href="https://www.facebook.com/profile.php?id=42&locale=es_LA">Visitar página</a>
      <div class="fb-page" data-href="https://www.facebook.com/profile.php?id=42&amp;locale=es_LA"></div>
      <script async src="https://connect.facebook.net/es_ES/sdk.js#xfbml=1&version=v22.0"></script>""")
    found = signals_of(html, "social_profile")
    assert {s.data["identity"] for s in found} == {"facebook:42"}
    assert {s.data["via"] for s in found} == {"link", "plugin"}
    assert "sdk_script" in reasons_of(html, "social_profile")


def test_page_plugin_iframe_and_twitter_timeline():
    html = page("""
      <iframe src="https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2FGobMuni&tabs=timeline"></iframe>
      <a class="twitter-timeline" href="https://twitter.com/GobMuni?ref_src=twsrc%5Etfw">Tweets by GobMuni</a>""")
    found = {(s.data["identity"], s.data["via"]) for s in signals_of(html, "social_profile")}
    assert found == {("facebook:gobmuni", "plugin"), ("x:gobmuni", "widget")}


def test_placeholders_and_comments_are_not_accounts():
    html = page("""
      <a href="#" title="Twitter"><i class="fa fa-twitter"></i></a>
      <a href="javascript:void(0)" class="icon-instagram"></a>
      <a href="" aria-label="YouTube"></a>
      <!-- <a href="https://www.instagram.com/gobmuni">Instagram</a> -->
      <!-- <a href="https://play.google.com/store/apps/details?id=tv.periscope.android">app</a> -->
      <a href="https://www.facebook.com/sharer/sharer.php?u=https://www.municipio.gob.mx/">Compartir</a>
      <a href="https://twitter.com/intent/tweet?url=x" class="twitter-share-button">Tweet</a>
      <a href="http://facebook.com">Facebook</a>""")
    assert signals_of(html, "social_profile") == []
    assert signals_of(html, "mobile_app") == []
    assert set(reasons_of(html, "social_profile")) >= {"placeholder", "share_link", "bare_root"}


def test_malformed_single_slash_root_on_http_page():
    context = ctx("http://www.municipio.gob.mx/index.html")
    html = page('<a href="http:/facebook.com"><img title="Facebook"></a><a href="http:/twitter.com"></a>')
    assert signals_of(html, "social_profile", context) == []
    assert "malformed" in reasons_of(html, "social_profile", context)


def test_malformed_single_slash_account_on_other_scheme_is_fixed_like_a_browser():
    context = ctx("http://www.municipio.gob.mx/index.html")
    html = page('<a href="https:/www.facebook.com/GobMuni">Facebook</a>')
    assert [s.data["identity"] for s in signals_of(html, "social_profile", context)] == ["facebook:gobmuni"]


def test_on_home_flag_follows_context():
    html = page('<a href="https://x.com/gobmuni">X</a>')
    assert signals_of(html, "social_profile", ctx(home=True))[0].on_home
    assert not signals_of(html, "social_profile", ctx("https://www.municipio.gob.mx/a", home=False))[0].on_home


def test_mayor_profile_by_caption_with_name():
    html = page("""
      <footer><a href="https://www.facebook.com/GobMuni">Facebook</a></footer>
      <div class="card"><h4>María López Hernández, Presidenta Municipal</h4>
        <a href="https://www.facebook.com/MariaLopezH">Facebook</a></div>""")
    mayor = signals_of(html, "mayor_profile")
    assert [s.data["identity"] for s in mayor] == ["mayor:facebook:marialopezh"]
    assert mayor[0].data["person"] == "María López Hernández"
    assert [s.data["identity"] for s in signals_of(html, "social_profile")] == ["facebook:gobmuni"]


def test_mayor_profile_by_link_text():
    html = page('<a href="https://x.com/juanperez">Twitter del Presidente Municipal</a>')
    assert signals_of(html, "mayor_profile")[0].data["handle"] == "juanperez"


def test_presidencia_municipal_is_the_institution_not_the_mayor():
    html = page('<div><p>Presidencia Municipal</p><a href="https://x.com/gobmuni">X</a></div>')
    assert signals_of(html, "mayor_profile") == []
    assert len(signals_of(html, "social_profile")) == 1

"""The navigation (helpdesk/navigation.py): built once per role and script root, filtered per user."""

import re


def _nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    return re.findall(r'href="([^"]+)"', nav)


def test_the_navigation_follows_the_prefix_the_app_is_served_under(client, auth, create_coach):
    """Cached per script root: the same role under /desk and at / gets links that work in each."""
    auth.login(create_coach())
    plain = _nav_links(client.get("/inbox").get_data(as_text=True))
    prefixed = _nav_links(client.get("/inbox", environ_overrides={"SCRIPT_NAME": "/desk"}).get_data(as_text=True))
    assert "/inbox" in plain and all(not url.startswith("/desk") for url in plain)
    assert prefixed == ["/desk" + url for url in plain]
    assert _nav_links(client.get("/inbox").get_data(as_text=True)) == plain


def test_an_entry_a_user_may_not_use_is_hidden_for_them_only(client, auth, create_coach):
    """The moderation queue shows for a trained coach, not for an untrained one of the same role."""
    trained, untrained = create_coach(moderation_trained=True), create_coach(moderation_trained=False)
    auth.login(trained)
    assert "/moderation" in _nav_links(client.get("/inbox").get_data(as_text=True))
    auth.logout()
    auth.login(untrained)
    assert "/moderation" not in _nav_links(client.get("/inbox").get_data(as_text=True))

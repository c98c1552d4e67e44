"""Article URL forms: a form the portal lacks is not the end of the article."""

from __future__ import annotations

from crawler.spiders.forms import ArticleForms


def test_the_next_linked_form_is_asked_for_after_a_404():
    forms = ArticleForms()
    assert forms.link("s:view_content:1", "http://h/tin/-/view_content/1-a.html") is None
    assert forms.link("s:view_content:1", "http://h/en/tin/-/view_content/1-a.html") is None
    forms.request("s:view_content:1", "http://h/tin/-/view_content/1-a.html")
    assert "http://h/en/tin/-/view_content/1-a.html" == forms.after_missing("s:view_content:1")
    assert forms.after_missing("s:view_content:1") is None


def test_a_form_seen_after_every_other_was_missing_is_asked_for_once():
    forms = ArticleForms()
    forms.link("k", "http://h/a")
    forms.request("k", "http://h/a")
    assert forms.after_missing("k") is None
    assert forms.link("k", "http://h/a") is None  # already asked for
    assert "http://h/vi/a" == forms.link("k", "http://h/vi/a")
    assert forms.link("k", "http://h/en/a") is None  # the /vi/ form is on its way

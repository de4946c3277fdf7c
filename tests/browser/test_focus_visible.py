"""WCAG 2.2 AA, measured in the browser (issue 26), beside axe (conftest):

- 2.4.11 Focus not obscured: a control reached with Tab is never hidden under the sticky
  Save bar (nor any other sticky or fixed element), and lies inside the viewport;
- 1.4.11 Non-text contrast / 2.4.7 Focus visible: its focus indicator (an outline, or a
  box-shadow ring) is at least 2 px wide and reaches 3:1 against the background behind it.

On every main page, as the person who uses it, Tab is pressed through the controls (at
most ``TABS`` per page); each failure is named. The counts per page go to
test-artifacts/focus-visible.json.
"""

import json
from urllib.parse import urljoin

import pytest

from mentoring.models import User
from schemes.models import OrganisationKind, ProgrammeRole, Side

from .conftest import ARTIFACTS, scheme_with_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "focus-visible-password-2026"
TABS = 60

# The focused element measured: where it is against the sticky bars and the viewport,
# and its focus indicator's width and contrast against the first opaque background
# behind it (the outline is drawn outside the element, so from the parent up).
MEASURE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (el.dataset.focusMeasured) return {again: true};  // round the page once: done
  el.dataset.focusMeasured = "1";
  const rgba = (text) => {
    const m = (text || "").match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const background = (start) => {
    const layers = [];
    for (let node = start; node && node.nodeType === 1; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour && colour[3] > 0) { layers.push(colour); if (colour[3] >= 1) break; }
    }
    let result = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const style = getComputedStyle(el);
  // An outline drawn inside the element (a negative offset) lies on its own background.
  const behind = background(parseFloat(style.outlineOffset) < 0 ? el : el.parentElement);
  let width = 0, ratio = 0, kind = "none";
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) {
    const colour = rgba(style.outlineColor);
    if (colour) { width = parseFloat(style.outlineWidth); ratio = contrast(over(colour, behind), behind); kind = "outline"; }
  }
  if (style.boxShadow && style.boxShadow !== "none") {
    // "rgba(13, 110, 253, 0.25) 0px 0px 0px 4px": a ring is a shadow with no offset or blur and a spread.
    for (const shadow of style.boxShadow.split(/,(?![^(]*\\))/)) {
      const colour = rgba(shadow);
      const sizes = shadow.replace(/rgba?\\([^)]*\\)/, "").trim().split(/\\s+/).map(parseFloat);
      if (!colour || sizes.length < 4 || sizes[0] || sizes[1] || sizes[2] || sizes[3] < 1) continue;
      const shadowRatio = contrast(over(colour, behind), behind);
      const passes = (w, r) => w >= 2 && r >= 3;
      if (!passes(width, ratio) && (passes(sizes[3], shadowRatio) || shadowRatio > ratio)) { width = sizes[3]; ratio = shadowRatio; kind = "ring"; }
    }
  }
  const box = el.getBoundingClientRect();
  const inBar = (bar) => bar.contains(el);
  const bars = [...document.querySelectorAll("body *")].filter(node => {
    const position = getComputedStyle(node).position;
    // A sticky part of the focused element itself (the name column of a table that scrolls
    // in its own focusable box) hides nothing of it.
    return (position === "sticky" || position === "fixed") && !inBar(node) && !el.contains(node) && node.getBoundingClientRect().height > 0;
  });
  const covered = bars.filter(bar => {
    const r = bar.getBoundingClientRect();
    return r.left < box.right && r.right > box.left && r.top < box.bottom && r.bottom > box.top;
  }).map(bar => bar.tagName.toLowerCase() + "." + [...bar.classList].join("."));
  // A link wrapping over two lines: the centre of its first line, not of the box around both.
  const line = el.getClientRects()[0] || box;
  const x = Math.min(Math.max(line.left + line.width / 2, 0), innerWidth - 1), y = Math.min(Math.max(line.top + line.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const labels = el.labels ? [...el.labels] : [];
  const atCentre = !!hit && (hit === el || el.contains(hit) || labels.some(label => label.contains(hit)));
  const tall = box.height > innerHeight;
  const inside = box.left >= -1 && box.right <= innerWidth + 1 && box.top >= -1 && (tall || box.bottom <= innerHeight + 1);
  const name = (el.getAttribute("aria-label") || (labels[0] && labels[0].textContent) || el.textContent || el.value || el.name || "")
    .replace(/\\s+/g, " ").trim().slice(0, 50);
  return {what: el.tagName.toLowerCase() + (el.type ? "[" + el.type + "]" : "") + " “" + name + "”",
          indicator: kind, width, ratio: Math.round(ratio * 100) / 100, covered, atCentre, inside,
          sized: box.width > 1 && box.height > 1};
}"""


def tab_through(page, limit=TABS):
    """Press Tab through the page's controls (from the top), measuring each one focused."""
    page.evaluate("() => { window.scrollTo(0, 0); document.activeElement && document.activeElement.blur(); }")
    page.mouse.click(1, 1)  # the focus starts from the top of the document
    measured = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        result = page.evaluate(MEASURE)
        if result is None:
            continue
        if result.get("again"):
            break
        if result["sized"]:
            measured.append(result)
    return measured


def problems(measured):
    """The controls measured whose focus is hidden or too faint, each with what is wrong."""
    found = []
    for item in measured:
        wrong = []
        if item["covered"] or not item["atCentre"]:
            wrong.append(f"hidden under {item['covered'] or 'another element'}")
        elif not item["inside"]:
            wrong.append("not inside the viewport")
        if item["width"] < 2 or item["ratio"] < 3:
            wrong.append(f"focus {item['indicator']} {item['width']}px at {item['ratio']}:1")
        if wrong:
            found.append(f"{item['what']}: {'; '.join(wrong)}")
    return found


def people(live_server):
    """Capaci (mentee) learns from Mechelen (mentor), with the programme's coordinator."""
    scheme, organisations = scheme_with_people(
        programme="Inclusive Cities",
        slug="inclusive",
        title="Capaci learns from Mechelen",
        password=PASSWORD,
        benchmark="inclucities-general",
        parties=[
            (OrganisationKind.CITY, "Capaci", "IT", Side.MENTEE),
            (OrganisationKind.CITY, "Mechelen", "BE", Side.MENTOR),
        ],
        people=[
            ("maria@capaci.example", "mentee", "Capaci"),
            ("jan@mechelen.example", "mentor", "Mechelen"),
            ("fatima@facilitators.example", "facilitator", None),
        ],
    )
    coordinator = User.objects.create_user(email="carlo@network.example", password=PASSWORD, first_name="Carlo")
    ProgrammeRole.objects.create(programme=scheme.programme, user=coordinator, role="coordinator")
    return scheme, organisations


def log_in(context, email):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def first_section(page, overview):
    """The address of the first section of a questionnaire, from its overview."""
    page.goto(overview)
    href = page.locator("main a[href*='/sections/']").first.get_attribute("href")
    return urljoin(overview, href)


def test_focus_is_never_hidden_and_always_visible_on_the_main_pages(page, live_server):
    scheme, organisations = people(live_server)
    base = f"/programmes/inclusive/schemes/{scheme.number}/"
    capaci, mechelen = organisations["Capaci"].pk, organisations["Mechelen"].pk
    browser = page.context.browser
    # Measured where the page comes to rest: Bootstrap scrolls smoothly unless the person
    # asks for reduced motion, and a control half-way through the scroll is no finding.
    viewport = {"viewport": {"width": 1366, "height": 768}, "reduced_motion": "reduce"}
    pages = {}
    coordinator = log_in(browser.new_context(base_url=live_server.url, **viewport), "carlo@network.example")
    pages["coordinator"] = coordinator
    mentee = log_in(browser.new_context(base_url=live_server.url, **viewport), "maria@capaci.example")
    mentor = log_in(browser.new_context(base_url=live_server.url, **viewport), "jan@mechelen.example")
    # On a phone the Save bar wraps to two rows of buttons.
    phone = log_in(
        browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, reduced_motion="reduce"),
        "maria@capaci.example",
    )
    section = first_section(mentee, f"{base}needs-analysis/{capaci}/")
    strengths_section = first_section(mentor, f"{base}strengths/{mechelen}/")
    main_pages = [
        ("home", coordinator, "/"),
        ("dashboard", coordinator, "/programmes/inclusive/dashboard/"),
        ("programme", coordinator, "/programmes/inclusive/"),
        ("scheme", mentee, base),
        ("needs-analysis section", mentee, section),
        ("needs-analysis section at 390 px", phone, section),
        ("strengths", mentor, f"{base}strengths/{mechelen}/"),
        ("strengths section", mentor, strengths_section),
        ("self-assessment", mentee, f"{base}self-assessment/{capaci}/"),
        ("visit", mentee, f"{base}visits/1/"),
        ("action plan", mentee, f"{base}action-plan/"),
        ("account", mentee, "/accounts/"),
    ]
    report, failures = {}, {}
    for name, browsing, url in main_pages:
        response = browsing.goto(url)
        assert response.status == 200, (name, url, response.status)
        measured = tab_through(browsing)
        found = problems(measured)
        report[name] = {"url": url, "controls": len(measured), "failures": len(found), "problems": found}
        if found:
            failures[name] = found
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "focus-visible.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    assert all(entry["controls"] >= 5 for entry in report.values()), report
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)

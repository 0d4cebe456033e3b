"""The console in a real browser: Debian's Chromium, headless, driven by Selenium through
Debian's chromedriver (nothing is downloaded). `popbot web` runs as a process on 127.0.0.1.
Screenshots of the main pages go to $POPBOT_SCREENSHOTS (default: the test's folder).

Without Chromium installed the tests are skipped with the reason — unless
`POPBOT_TESTS_NEED_CHROMIUM` is set, as `.ci/run` sets it: then they fail, never skip."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.schedule_world import free_port
from tests.web.console_world import HR, MANAGER, MARKER, PASSWORD, console_data

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        reason = "Chromium and its driver are not installed: apt-get install chromium chromium-driver"
        if os.environ.get("POPBOT_TESTS_NEED_CHROMIUM"):
            pytest.fail(reason)
        pytest.skip(reason)
    os.environ["SE_OFFLINE"] = "true"  # Selenium never fetches a driver or a browser
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,900",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
async def console(tmp_path: Path) -> Any:
    data = await console_data(tmp_path)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("POPBOT_")} | {
        "POPBOT_DATA_DIR": str(data),
        "POPBOT_WEB_SECRET": "browser-test-secret",
    }
    proc, url = start_console(env, port)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def start_console(env: dict[str, str], port: int) -> tuple[subprocess.Popen[bytes], str]:
    """`popbot web` on `port`, once its sign-in page answers; the process and the console's address."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.app", "web", "--port", str(port)], env=env, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}/console/"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "signin", timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            time.sleep(0.1)
    return proc, url


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("POPBOT_SCREENSHOTS", tmp_path / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def accessible(driver: Any) -> None:
    """axe-core on the page as it is: no serious or critical violation."""
    driver.execute_script(AXE)
    result = driver.execute_async_script(
        "const done = arguments[0]; axe.run().then(done, e => done(String(e)));"
    )
    assert isinstance(result, dict) and result["passes"], result  # it ran, and checked something
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{driver.current_url}: {bad}"


def click(driver: Any, css: str) -> None:
    """Click what `css` finds and wait for the page it leads to (a click does not wait)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def loaded(d: Any) -> bool:
        return bool(d.execute_script("return document.readyState") == "complete")

    WebDriverWait(driver, 20).until(loaded)
    for attempt in range(3):  # a page still settling may swap a node out under the click
        try:
            old = driver.find_element(By.TAG_NAME, "html")
            driver.find_element(By.CSS_SELECTOR, css).click()
            break
        except WebDriverException:
            if attempt == 2:
                raise
            time.sleep(0.2)

    def gone(_d: Any) -> bool:
        # the old page's root is stale once the new page is in; Chromium sometimes says so
        # with "node does not belong to the document" instead of a stale-element error
        try:
            old.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(driver, 20).until(gone)
    WebDriverWait(driver, 20).until(loaded)


def sign_in(driver: Any, url: str, email: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(url + "signin")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    click(driver, "form.signin button")


def test_hr_signs_in_sees_the_round_and_the_schedule_and_no_answer(
    browser: Any, console: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    folder = shots(tmp_path)
    browser.get(console + "signin")
    accessible(browser)
    browser.save_screenshot(str(folder / "signin.png"))
    sign_in(browser, console, HR)
    assert browser.current_url.endswith("/console/round")
    assert "Rob Jansen" in browser.page_source and MARKER not in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart rect")  # the chart is drawn
    accessible(browser)
    browser.save_screenshot(str(folder / "round.png"))
    click(browser, "nav a[href$='schedule']")
    assert "blocked" in browser.page_source and MARKER not in browser.page_source
    accessible(browser)
    browser.save_screenshot(str(folder / "schedule.png"))
    click(browser, "form[action$='schedule/retry'] button")
    assert "Opnieuw ingepland" in browser.page_source or "Planned again" in browser.page_source
    browser.set_window_size(390, 844)  # a phone
    browser.get(console + "round")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page is {width} px wide at a phone's 390"
    browser.save_screenshot(str(folder / "round-phone.png"))
    click(browser, "form.signout button")
    assert browser.current_url.endswith("/console/signin")


def test_a_manager_sees_only_their_own_reports_in_the_browser(
    browser: Any, console: str, tmp_path: Path
) -> None:
    sign_in(browser, console, MANAGER)
    assert browser.current_url.endswith("/console/reports")
    assert "Anna de Vries" in browser.page_source and "Eva" not in browser.page_source
    assert MARKER not in browser.page_source
    accessible(browser)
    browser.save_screenshot(str(shots(tmp_path) / "reports.png"))
    browser.get(console + "round")
    assert "niet voor jouw rol" in browser.page_source or "not for your role" in browser.page_source


def test_hr_uploads_a_roster_with_a_mistake_sees_the_line_mends_it_and_imports(
    browser: Any, console: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    folder = shots(tmp_path)
    sign_in(browser, console, HR)
    browser.get(console + "roster")
    accessible(browser)
    csv = tmp_path / "rooster.csv"
    # as Dutch Excel saves it: semicolons, Windows-1252; line 3 has no valid e-mail address
    lines = ["id;name;email;language;manager;platform", "mila;Mila Bakker;mila@example.org;nl;;slack"]
    csv.write_bytes("\n".join([*lines, "rene;René;geen-adres;nl;mila;console", ""]).encode("cp1252"))
    browser.find_element(By.ID, "file").send_keys(str(csv))
    click(browser, "form.upload button")
    problems = browser.find_element(By.CSS_SELECTOR, ".problems").text
    assert "rooster.csv:3:" in problems
    accessible(browser)
    browser.save_screenshot(str(folder / "roster-problem.png"))
    csv.write_bytes("\n".join([*lines, "rene;René;rene@example.org;nl;mila;console", ""]).encode("cp1252"))
    browser.find_element(By.ID, "file").send_keys(str(csv))
    click(browser, "form.upload button")
    assert "René" in browser.page_source
    accessible(browser)
    browser.save_screenshot(str(folder / "roster-preview.png"))
    click(browser, "form[action$='roster/import'] button")
    assert "2" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
    for page in ("privacy", "audit"):
        browser.get(console + page)
        assert MARKER not in browser.page_source
        accessible(browser)
        browser.save_screenshot(str(folder / f"{page}.png"))


def test_hr_edits_a_script_into_an_error_and_back_and_sees_the_diagram(
    browser: Any, console: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    folder = shots(tmp_path)
    sign_in(browser, console, HR)
    browser.get(console + "scripts/pop/nl")
    assert browser.find_element(By.CSS_SELECTOR, "img.flow").get_attribute("src").startswith("data:image/svg")
    accessible(browser)
    editor = browser.find_element(By.ID, "text")
    original = editor.get_attribute("value")
    # as HR types: the validator's line:column shows without a click (the page's own script)
    browser.execute_script(
        "arguments[0].value = arguments[1]", editor, original.replace("kind: text\n", "kind: tekst\n", 1)
    )
    editor.send_keys(" ")
    WebDriverWait(browser, 10).until(lambda d: "pop.nl.yaml:" in d.find_element(By.ID, "problems").text)
    browser.save_screenshot(str(folder / "script-error.png"))
    click(browser, "form.script button[type=submit]")
    assert "Not saved" in browser.page_source or "Niet opgeslagen" in browser.page_source
    editor = browser.find_element(By.ID, "text")
    browser.execute_script(
        "arguments[0].value = arguments[1]",
        editor,
        original.replace("Waar ben je goed in?", "Waar blink je in uit?"),
    )
    click(browser, "form.script button[type=submit]")
    status = browser.find_element(By.CSS_SELECTOR, "[role=status]").text
    assert "version" in status or "versie" in status
    assert browser.find_element(By.CSS_SELECTOR, "img.flow")
    accessible(browser)
    browser.save_screenshot(str(folder / "script-saved.png"))


@pytest.fixture
def provider() -> Iterator[Any]:
    """The fake OpenID Connect provider, on a loop of its own (the browser tests are not async)."""
    import asyncio
    import threading

    from tests.fakes.oidc import FakeOidc

    loop = asyncio.new_event_loop()
    idp = FakeOidc()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    asyncio.run_coroutine_threadsafe(idp.start(), loop).result(10)
    yield idp
    asyncio.run_coroutine_threadsafe(idp.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)


PROVIDERS = {  # each provider's ID token for Lisa, whom only the directory makes HR
    "entra": (
        {"POPBOT_OIDC_EMAIL_CLAIM": "preferred_username", "POPBOT_OIDC_HR_ROLE": "POP.HR"},
        {"email": None, "email_verified": None, "preferred_username": "lisa.hr@example.org",
         "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47", "ver": "2.0", "roles": ["POP.HR"]},
    ),
    "keycloak": (
        {"POPBOT_OIDC_HR_GROUP": "HR"},
        {"preferred_username": "lisa", "groups": ["/HR"], "realm_access": {"roles": ["offline_access"]}},
    ),
    "google": (  # no groups in Google's tokens: HR by the address list
        {"POPBOT_WEB_HR": "lisa.hr@example.org"},
        {"hd": "example.org", "azp": "popbot-console"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("shape", sorted(PROVIDERS))
async def test_hr_signs_in_through_the_organisations_provider(
    browser: Any, provider: Any, tmp_path: Path, shape: str
) -> None:
    """The browser goes to the provider and back (the fake signs Lisa in at once), with the
    provider's own token shape; the directory's role, group or the address list makes her HR;
    a colleague with none of them is refused."""
    from selenium.webdriver.common.by import By

    from tests.fakes.oidc import CLIENT_ID, CLIENT_SECRET

    settings, claims = PROVIDERS[shape]
    data = await console_data(tmp_path)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("POPBOT_")} | {
        "POPBOT_DATA_DIR": str(data), "POPBOT_WEB_SECRET": "browser-test-secret",
        "POPBOT_OIDC_ISSUER": provider.url, "POPBOT_OIDC_CLIENT_ID": CLIENT_ID,
        "POPBOT_OIDC_CLIENT_SECRET": CLIENT_SECRET, "POPBOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        **settings,
    }  # fmt: skip
    proc, url = start_console(env, port)
    try:
        provider.user, provider.claims = "lisa.hr@example.org", claims
        browser.get(url + "signin")
        click(browser, "a.button[href$='oidc/start']")
        assert browser.current_url == url + "round", browser.current_url
        assert "lisa.hr@example.org" in browser.find_element(By.TAG_NAME, "header").text
        browser.save_screenshot(str(shots(tmp_path) / f"oidc-{shape}.png"))
        browser.delete_all_cookies()
        provider.user = "sam@example.org"  # no role, no group, not on the list, no reports
        provider.claims = {k: v for k, v in claims.items() if k not in ("roles", "groups")}
        if "preferred_username" in claims and shape == "entra":
            provider.claims["preferred_username"] = "sam@example.org"
        browser.get(url + "signin")
        click(browser, "a.button[href$='oidc/start']")
        assert "round" not in browser.current_url
        refused = browser.find_element(By.CSS_SELECTOR, "[role=alert]").text  # the browser asks English
        assert refused == "You are signed in, but this console is for HR and managers only.", refused
    finally:
        proc.terminate()
        proc.wait(timeout=10)

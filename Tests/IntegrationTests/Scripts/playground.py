"""Drives the playground page of a running `roomreel dev` in headless Chromium (selenium).

usage: playground.py BASE_URL PHOTO SCREENSHOT

Loads the page with no console errors, checks every control has a label and the page fits a phone,
submits PHOTO through the form as a camera move, watches the progress bar advance, and waits until
the <video> plays the finished mp4; the screenshot is written to SCREENSHOT. Prints what it saw as
JSON and exits non-zero when a check fails.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

base, photo, screenshot = sys.argv[1], sys.argv[2], sys.argv[3]
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--autoplay-policy=no-user-gesture-required"]:
    options.add_argument(argument)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
seen = {}
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def console_errors():
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


try:
    driver.get(base + "/")
    wait = WebDriverWait(driver, 30)
    wait.until(lambda d: len(d.find_element(By.ID, "model").find_elements(By.TAG_NAME, "option")) > 1)
    wait.until(lambda d: d.find_element(By.ID, "balance").text.isdigit())
    seen["balance_before"] = int(driver.find_element(By.ID, "balance").text)
    seen["price"] = driver.find_element(By.ID, "price").text
    check("credits" in seen["price"], f"no price shown: {seen['price']!r}")

    unlabelled = driver.execute_script(
        "return Array.from(document.querySelectorAll('input, select, progress')).filter(e => e.labels.length === 0).map(e => e.id)")
    check(unlabelled == [], f"controls without a label: {unlabelled}")

    # Keyboard: Tab reaches the type selector and the submit button.
    reached = driver.execute_script("""
        const order = Array.from(document.querySelectorAll('input, select, button')).filter(e => !e.disabled && e.offsetParent !== null);
        return order.map(e => e.id);""")
    check("type" in reached and "submit" in reached, f"not reachable by keyboard: {reached}")

    Select(driver.find_element(By.ID, "type")).select_by_value("camera_motion")
    Select(driver.find_element(By.ID, "move")).select_by_value("zoom_in")
    duration = driver.find_element(By.ID, "duration")
    duration.clear()
    duration.send_keys("2")
    driver.find_element(By.ID, "photo").send_keys(photo)
    driver.find_element(By.ID, "submit").click()

    progress = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        value = int(float(driver.find_element(By.ID, "progress").get_attribute("value") or 0))
        if not progress or progress[-1] != value:
            progress.append(value)
        state = driver.execute_script(
            "const v = document.getElementById('video'); return {hidden: v.hidden, ready: v.readyState, time: v.currentTime, paused: v.paused, src: v.currentSrc}")
        if not state["hidden"] and state["ready"] >= 2 and state["time"] > 0 and not state["paused"]:
            seen["video"] = state
            break
        time.sleep(0.05)
    seen["progress"] = progress
    check(len(progress) >= 3 and progress == sorted(progress) and progress[-1] == 100, f"progress bar did not advance to 100: {progress}")
    check("video" in seen, f"the video never played: {driver.find_element(By.ID, 'message').text!r}")
    check(seen.get("video", {}).get("src", "").endswith(".mp4"), f"not the mp4: {seen.get('video')}")
    WebDriverWait(driver, 20).until(lambda d: "credits" in d.find_element(By.ID, "ledger").text)
    seen["ledger"] = driver.find_element(By.ID, "ledger").text
    check("-1 credits" in seen["ledger"], f"ledger entry: {seen['ledger']!r}")
    driver.save_screenshot(screenshot)

    # Phone width: nothing wider than the screen.
    driver.set_window_size(390, 844)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check(overflow <= 0, f"the page is {overflow} px wider than a phone")
    seen["console_errors"] = console_errors()
    check(seen["console_errors"] == [], f"console errors: {seen['console_errors']}")
finally:
    driver.quit()

print(json.dumps({"seen": seen, "failures": failures}, indent=1))
sys.exit(1 if failures else 0)

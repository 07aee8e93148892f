//! The dashboard in a real browser: headless Chromium (through chromedriver, spoken to over
//! WebDriver with plain HTTP) loads `/_cutover/` during a linear blue/green deployment; the
//! manual clock moves one traffic step and the page shows the new weights without a reload.
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/test.sh` installs them).

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{deploy, story, Client};
use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver on a free port; killed (and its profile directory removed) on drop.
struct Driver {
    child: Child,
    url: String,
    profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn find_chromedriver() -> PathBuf {
    let candidates = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];
    if let Some(p) = candidates.iter().map(PathBuf::from).find(|p| p.exists()) {
        return p;
    }
    if let Some(p) = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("chromedriver"))
            .find(|p| p.exists())
    }) {
        return p;
    }
    panic!(
        "chromedriver is not installed: the dashboard browser test needs headless Chromium. \
         Install it with `apt-get update && apt-get install -y chromium chromium-driver` \
         (scripts/test.sh does this)"
    );
}

async fn start_driver(http: &reqwest::Client) -> Driver {
    let bin = find_chromedriver();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let profile = std::env::temp_dir().join(format!(
        "cutover-dashboard-chromium-{}-{port}",
        std::process::id()
    ));
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        profile,
    };
    let start = Instant::now();
    loop {
        if let Ok(r) = http.get(format!("{}/status", driver.url)).send().await {
            let v: Value = r.json().await.unwrap_or_default();
            if v["value"]["ready"] == true {
                return driver;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "chromedriver did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One WebDriver session.
struct Session<'a> {
    http: &'a reqwest::Client,
    base: String,
}

impl Session<'_> {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        r.json().await.unwrap()
    }

    async fn navigate(&self, url: &str) {
        let v = self
            .call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
        assert!(v["value"].is_null(), "navigate: {v}");
    }

    /// The text of the first element matching `css`, or `None` (no such element, or it was
    /// replaced between the find and the read three times in a row).
    async fn text(&self, css: &str) -> Option<String> {
        for _ in 0..3 {
            let v = self
                .call(
                    reqwest::Method::POST,
                    "/element",
                    Some(json!({"using": "css selector", "value": css})),
                )
                .await;
            let Some(id) = v["value"][ELEMENT_KEY].as_str() else {
                continue;
            };
            let t = self
                .call(reqwest::Method::GET, &format!("/element/{id}/text"), None)
                .await;
            if let Some(t) = t["value"].as_str() {
                return Some(t.to_owned());
            }
        }
        None
    }

    /// An attribute of the first element matching `css` (retried like [`Session::text`]).
    async fn attribute(&self, css: &str, name: &str) -> Option<String> {
        for _ in 0..3 {
            let v = self
                .call(
                    reqwest::Method::POST,
                    "/element",
                    Some(json!({"using": "css selector", "value": css})),
                )
                .await;
            let Some(id) = v["value"][ELEMENT_KEY].as_str() else {
                continue;
            };
            let a = self
                .call(
                    reqwest::Method::GET,
                    &format!("/element/{id}/attribute/{name}"),
                    None,
                )
                .await;
            if let Some(a) = a["value"].as_str() {
                return Some(a.to_owned());
            }
        }
        None
    }

    /// Polls (≤ 10 s real) until the replacement bar shows `weight`; returns what it showed last.
    async fn wait_weight(&self, deployment: &str, weight: &str) -> Result<(), Option<String>> {
        let css = format!("[data-deployment=\"{deployment}\"] [data-role=\"replacement\"]");
        let start = Instant::now();
        let mut last = None;
        while start.elapsed() < Duration::from_secs(10) {
            let attr = self.attribute(&css, "data-weight").await;
            let text = self.text(&format!("{css} [data-role=\"weight\"]")).await;
            if attr.as_deref() == Some(weight) && text.as_deref() == Some(weight) {
                return Ok(());
            }
            last = attr;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(last)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_shows_weights_changing_live() {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let driver = start_driver(&http).await;

    let server = cutover::start(cutover::Config::for_tests()).await.unwrap();
    let c = Client::new(server.url());
    let st = story(&c).await;
    let id = deploy(&c, &st.v2, &[]).await;
    c.advance(161.0).await; // replacement healthy, test traffic, first production step (10 %)

    let caps = json!({"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", format!("--user-data-dir={}", driver.profile.display()),
            ],
        },
    }}});
    let r: Value = http
        .post(format!("{}/session", driver.url))
        .json(&caps)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session_id = r["value"]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no WebDriver session: {r}"))
        .to_owned();
    let s = Session {
        http: &http,
        base: format!("{}/session/{session_id}", driver.url),
    };

    let result = async {
        s.navigate(&format!("{}/_cutover/", server.url())).await;
        s.wait_weight(&id, "10")
            .await
            .map_err(|last| format!("the page never showed 10 % (last {last:?})"))?;
        let original = format!("[data-deployment=\"{id}\"] [data-role=\"original\"]");
        if s.attribute(&original, "data-weight").await.as_deref() != Some("90") {
            return Err("the original task set does not show 90 %".to_owned());
        }
        let status = s
            .text(&format!(
                "[data-deployment=\"{id}\"] [data-role=\"status\"]"
            ))
            .await;
        if status.as_deref() != Some("InProgress") {
            return Err(format!("status shown: {status:?}"));
        }
        // One traffic step of virtual time: the page follows the event stream, no reload.
        c.advance(60.0).await;
        s.wait_weight(&id, "20")
            .await
            .map_err(|last| format!("the page never showed 20 % (last {last:?})"))?;
        c.advance(60.0).await;
        s.wait_weight(&id, "30")
            .await
            .map_err(|last| format!("the page never showed 30 % (last {last:?})"))?;
        // The chart has a point per weight so far (0 at Install, then 10, 20, 30).
        let points = s
            .attribute(
                &format!("[data-deployment=\"{id}\"] [data-role=\"chart\"]"),
                "data-points",
            )
            .await;
        if points.as_deref() != Some("4") {
            return Err(format!("chart points: {points:?}"));
        }
        // The event log lists weight changes.
        let log = s.text("#log").await.unwrap_or_default();
        if !log.contains("weights · ") || !log.contains(&format!("{id} 70/30")) {
            return Err(format!("event log: {log}"));
        }
        Ok(())
    }
    .await;

    let _ = http
        .delete(format!("{}/session/{session_id}", driver.url))
        .send()
        .await;
    drop(driver);
    server.stop().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}

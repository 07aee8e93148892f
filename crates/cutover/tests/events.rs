//! The dashboard's event stream (`GET /_cutover/events`) end to end under a manual clock: a
//! blue/green deployment driven with raw AWS requests delivers, in order, the task state
//! changes, the targets turning healthy, every lifecycle event, the hook invocation, each
//! traffic weight up to 100 and the deployment's success; the snapshot endpoint agrees.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{deploy, story, Client};
use serde_json::Value;

type Seen = Arc<Mutex<Vec<Value>>>;

/// Reads the SSE stream in the background, collecting each `data:` line as JSON.
async fn listen(url: &str) -> Seen {
    let mut resp = reqwest::get(format!("{url}/_cutover/events"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let seen: Seen = Arc::default();
    let out = seen.clone();
    tokio::spawn(async move {
        let mut buf = String::new();
        while let Ok(Some(chunk)) = resp.chunk().await {
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let block: String = buf.drain(..end + 2).collect();
                for line in block.lines() {
                    if let Some(data) = line.strip_prefix("data:") {
                        let v: Value = serde_json::from_str(data.trim()).unwrap();
                        out.lock().unwrap().push(v);
                    }
                }
            }
        }
    });
    seen
}

/// Waits (≤ 10 s real) until an event satisfies `pred`.
async fn wait_for(seen: &Seen, what: &str, pred: impl Fn(&Value) -> bool) {
    let start = Instant::now();
    loop {
        if seen.lock().unwrap().iter().any(&pred) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "never saw {what}; events: {:#?}",
            seen.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn is(e: &Value, kind: &str, field: &str, value: &str) -> bool {
    e["kind"] == kind && e["data"][field] == value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_stream_follows_a_deployment_in_order() {
    let mut config = cutover::Config::for_tests();
    config.unmapped_hooks_succeed = true;
    let server = cutover::start(config).await.unwrap();
    let c = Client::new(server.url());
    let st = story(&c).await;
    let seen = listen(&server.url()).await;

    let id = deploy(&c, &st.v2, &[("AfterAllowTestTraffic", "CheckTestTraffic")]).await;
    c.advance(161.0).await;
    // The hook is answered in real time (unmapped hooks succeed in this configuration).
    wait_for(&seen, "AfterAllowTestTraffic Succeeded", |e| {
        is(
            e,
            "lifecycleEvent",
            "lifecycleEvent",
            "AfterAllowTestTraffic",
        ) && e["data"]["status"] == "Succeeded"
    })
    .await;
    for _ in 0..9 {
        c.advance(60.0).await;
    }
    c.advance(300.0).await;
    wait_for(&seen, "deployment Succeeded", |e| {
        is(e, "deployment", "status", "Succeeded")
    })
    .await;

    let events = seen.lock().unwrap().clone();
    // Every event has the envelope; sequence numbers count up without gaps; time never goes back.
    for w in events.windows(2) {
        assert_eq!(w[1]["seq"].as_u64(), w[0]["seq"].as_u64().map(|s| s + 1));
        assert!(w[1]["time"].as_f64() >= w[0]["time"].as_f64(), "{w:?}");
    }
    for e in &events {
        assert_eq!(e["account"], "123456789012");
        assert_eq!(e["region"], "us-east-1");
        if ["deployment", "lifecycleEvent", "weights", "hookInvoked"]
            .contains(&e["kind"].as_str().unwrap())
        {
            assert_eq!(e["data"]["deploymentId"], id.as_str());
        }
    }
    let pos = |pred: &dyn Fn(&Value) -> bool| {
        events
            .iter()
            .position(pred)
            .unwrap_or_else(|| panic!("missing event; events: {events:#?}"))
    };

    // The deployment's statuses.
    let statuses: Vec<&str> = events
        .iter()
        .filter(|e| e["kind"] == "deployment")
        .map(|e| e["data"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["Created", "InProgress", "Succeeded"]);

    // Each lifecycle event starts, then succeeds, in order.
    let lifecycle: Vec<String> = events
        .iter()
        .filter(|e| e["kind"] == "lifecycleEvent")
        .map(|e| {
            format!(
                "{} {}",
                e["data"]["lifecycleEvent"].as_str().unwrap(),
                e["data"]["status"].as_str().unwrap()
            )
        })
        .collect();
    let mut expected = Vec::new();
    for name in [
        "BeforeInstall",
        "Install",
        "AfterInstall",
        "AllowTestTraffic",
        "AfterAllowTestTraffic",
        "BeforeAllowTraffic",
        "AllowTraffic",
        "AfterAllowTraffic",
    ] {
        expected.push(format!("{name} InProgress"));
        expected.push(format!("{name} Succeeded"));
    }
    assert_eq!(lifecycle, expected);

    // The replacement's production weight: 0 at Install, then 10 % a minute up to 100.
    let weights: Vec<i64> = events
        .iter()
        .filter(|e| e["kind"] == "weights")
        .map(|e| e["data"]["replacement"].as_i64().unwrap())
        .collect();
    assert_eq!(weights, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    let originals: Vec<i64> = events
        .iter()
        .filter(|e| e["kind"] == "weights")
        .map(|e| e["data"]["original"].as_i64().unwrap())
        .collect();
    assert_eq!(originals, [100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
    let steps: Vec<f64> = events
        .iter()
        .filter(|e| e["kind"] == "weights")
        .map(|e| e["time"].as_f64().unwrap())
        .collect();
    for w in steps[1..].windows(2) {
        assert_eq!(w[1] - w[0], 60.0, "one step a virtual minute");
    }

    // The replacement's two tasks walk PROVISIONING → … → RUNNING and their targets turn
    // healthy, all before Install completes.
    let install_done = pos(&|e| {
        is(e, "lifecycleEvent", "lifecycleEvent", "Install") && e["data"]["status"] == "Succeeded"
    });
    let replacement_set = events
        .iter()
        .find(|e| e["kind"] == "weights")
        .map(|e| e["data"]["replacementTaskSet"].as_str().unwrap().to_owned())
        .unwrap();
    let replacement_tasks: Vec<(usize, &str, &str)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e["kind"] == "task" && e["data"]["taskSetId"] == replacement_set.as_str())
        .map(|(i, e)| {
            (
                i,
                e["data"]["taskArn"].as_str().unwrap(),
                e["data"]["lastStatus"].as_str().unwrap(),
            )
        })
        .collect();
    let mut arns: Vec<&str> = replacement_tasks.iter().map(|t| t.1).collect();
    arns.sort();
    arns.dedup();
    assert_eq!(arns.len(), 2, "{replacement_tasks:?}");
    for arn in arns {
        let walk: Vec<&str> = replacement_tasks
            .iter()
            .filter(|t| t.1 == arn)
            .map(|t| t.2)
            .collect();
        assert_eq!(walk, ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING"]);
        let running = replacement_tasks
            .iter()
            .find(|t| t.1 == arn && t.2 == "RUNNING")
            .unwrap()
            .0;
        assert!(running < install_done);
    }
    let healthy: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e["kind"] == "targetHealth"
                && e["data"]["targetGroupArn"] == st.tg_b.as_str()
                && e["data"]["state"] == "healthy"
        })
        .map(|(i, _)| i)
        .collect();
    assert_eq!(healthy.len(), 2, "{events:#?}");
    assert!(healthy.iter().all(|i| *i < install_done));

    // The hook is invoked when its event starts.
    let hook = pos(&|e| e["kind"] == "hookInvoked");
    assert_eq!(
        events[hook]["data"]["lifecycleEvent"],
        "AfterAllowTestTraffic"
    );
    assert_eq!(events[hook]["data"]["function"], "CheckTestTraffic");
    assert!(is(
        &events[hook - 1],
        "lifecycleEvent",
        "lifecycleEvent",
        "AfterAllowTestTraffic"
    ));

    // Cross-kind order: Install, first weight step, AllowTraffic done, original tasks
    // stopping after the termination wait, then success.
    let first_step = pos(&|e| e["kind"] == "weights" && e["data"]["replacement"] == 10);
    let allow_done = pos(&|e| {
        is(e, "lifecycleEvent", "lifecycleEvent", "AllowTraffic")
            && e["data"]["status"] == "Succeeded"
    });
    let last_weight = pos(&|e| e["kind"] == "weights" && e["data"]["replacement"] == 100);
    let original_stopping = pos(&|e| {
        e["kind"] == "task"
            && e["data"]["taskSetId"].is_string()
            && e["data"]["taskSetId"] != replacement_set.as_str()
            && e["data"]["desiredStatus"] == "STOPPED"
    });
    let succeeded = pos(&|e| is(e, "deployment", "status", "Succeeded"));
    assert!(install_done < first_step);
    assert!(first_step < last_weight && last_weight < allow_done);
    assert!(allow_done < original_stopping && original_stopping < succeeded);

    // The snapshot agrees, with the traffic history for the chart.
    let snap: Value = reqwest::get(format!("{}/_cutover/state/deployments", server.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let d = &snap["deployments"][0];
    assert_eq!(d["deploymentId"], id.as_str());
    assert_eq!(d["status"], "Succeeded");
    assert_eq!(d["application"], "my-app");
    assert_eq!(d["deploymentGroup"], "my-app-dg");
    let hist: Vec<i64> = d["traffic"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[1].as_i64().unwrap())
        .collect();
    assert_eq!(hist, weights);
    assert_eq!(d["lifecycleEvents"].as_array().unwrap().len(), 8);
    assert_eq!(d["lifecycleEvents"][6]["name"], "AllowTraffic");
    assert_eq!(d["lifecycleEvents"][6]["durationSeconds"], 540.0);
    let sets = d["taskSets"].as_array().unwrap();
    assert_eq!(
        sets[0]["status"], "DRAINING",
        "deleted after the termination wait"
    );
    assert_eq!(sets[1]["role"], "replacement");
    assert_eq!(sets[1]["weight"], 100);
    assert_eq!(sets[1]["status"], "PRIMARY");
    assert_eq!(sets[1]["runningCount"], 2);
    assert_eq!(sets[1]["targetHealth"]["healthy"], 2);
    assert_eq!(sets[1]["targetGroup"]["name"], "tg-b");
    let _ = (&st.tg_a, &st.prod, &st.test, &st.v1);

    // Graceful shutdown ends the stream (and does not wait for the client).
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("the server stops while an event stream is open");
}

#[tokio::test]
async fn dashboard_page_and_snapshot_are_served() {
    let server = cutover::start(cutover::Config::for_tests()).await.unwrap();
    for path in ["/_cutover/", "/_cutover"] {
        let r = reqwest::get(format!("{}{path}", server.url()))
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let body = r.text().await.unwrap();
        assert!(body.contains("/_cutover/events"));
        // Self-contained: nothing is fetched from another origin.
        assert!(
            !body.contains("http://") && !body.contains("https://"),
            "{path}"
        );
    }
    let snap: Value = reqwest::get(format!("{}/_cutover/state/deployments", server.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(snap["deployments"], serde_json::json!([]));
    assert_eq!(snap["clock"]["mode"], "manual");
    server.stop().await;
}

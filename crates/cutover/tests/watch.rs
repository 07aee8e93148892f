//! `cutover watch` and the control verbs end to end against an in-process server under a manual
//! clock, through the CLI's own raw-HTTP client (no AWS SDK): the rehearsal story is set up,
//! deployed, and watched while the test advances virtual time.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use cutover::cli::client::{xml_values, Client, ClientError, Credentials};
use cutover::cli::verbs;
use cutover::cli::watch::{self, Verdict, Watcher};
use cutover::{Config, Running};
use serde_json::json;

struct Env {
    _running: Running,
    url: String,
    c: Client,
}

async fn server() -> Env {
    let running = cutover::start(Config::for_tests())
        .await
        .expect("server starts");
    let url = running.url();
    let c = Client::new(&url, Credentials::default());
    Env {
        _running: running,
        url,
        c,
    }
}

async fn elb(c: &Client, action: &str, params: &[(&str, &str)], member: &str) -> String {
    let xml = c.elbv2(action, params).await.expect(action);
    xml_values(&xml, &["member", member])
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{action}: no {member} in {xml}"))
}

async fn target_group(c: &Client, name: &str) -> String {
    elb(
        c,
        "CreateTargetGroup",
        &[
            ("Name", name),
            ("Protocol", "HTTP"),
            ("Port", "80"),
            ("VpcId", "vpc-0abc"),
            ("TargetType", "ip"),
        ],
        "TargetGroupArn",
    )
    .await
}

async fn listener(c: &Client, lb: &str, port: &str, tg: &str) -> String {
    elb(
        c,
        "CreateListener",
        &[
            ("LoadBalancerArn", lb),
            ("Port", port),
            ("Protocol", "HTTP"),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.TargetGroupArn", tg),
        ],
        "ListenerArn",
    )
    .await
}

async fn task_def(c: &Client, image: &str) -> String {
    let v = c
        .ecs(
            "RegisterTaskDefinition",
            json!({
                "family": "my-app-task", "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                "containerDefinitions": [{"name": "app", "image": image, "essential": true,
                    "portMappings": [{"containerPort": 8080}]}]
            }),
        )
        .await
        .expect("RegisterTaskDefinition");
    v["taskDefinition"]["taskDefinitionArn"]
        .as_str()
        .expect("arn")
        .to_owned()
}

/// The rehearsal story at rest: `my-app-service` runs v1 in TG-A behind the production
/// listener (a test listener too), the app and group `my-app-dg` exist. Answers v2's ARN.
async fn story(c: &Client, config: &str, ready_wait: Option<i64>) -> String {
    c.ecs("CreateCluster", json!({"clusterName": "my-cluster"}))
        .await
        .expect("CreateCluster");
    let lb = elb(
        c,
        "CreateLoadBalancer",
        &[
            ("Name", "alb"),
            ("Subnets.member.1", "subnet-1"),
            ("Subnets.member.2", "subnet-2"),
        ],
        "LoadBalancerArn",
    )
    .await;
    let tg_a = target_group(c, "tg-a").await;
    target_group(c, "tg-b").await;
    let prod = listener(c, &lb, "80", &tg_a).await;
    let test = listener(c, &lb, "8080", &tg_a).await;
    let v1 = task_def(c, "my-app:v1").await;
    let v2 = task_def(c, "my-app:v2").await;
    c.ecs(
        "CreateService",
        json!({
            "cluster": "my-cluster", "serviceName": "my-app-service", "taskDefinition": v1,
            "desiredCount": 2, "deploymentController": {"type": "CODE_DEPLOY"},
            "loadBalancers": [{"targetGroupArn": tg_a, "containerName": "app", "containerPort": 8080}],
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1", "subnet-2"]}}
        }),
    )
    .await
    .expect("CreateService");
    c.advance(200.0).await.expect("advance");
    c.codedeploy(
        "CreateApplication",
        json!({"applicationName": "my-app", "computePlatform": "ECS"}),
    )
    .await
    .expect("CreateApplication");
    let ready = match ready_wait {
        Some(m) => json!({"actionOnTimeout": "STOP_DEPLOYMENT", "waitTimeInMinutes": m}),
        None => json!({"actionOnTimeout": "CONTINUE_DEPLOYMENT", "waitTimeInMinutes": 0}),
    };
    c.codedeploy(
        "CreateDeploymentGroup",
        json!({
            "applicationName": "my-app", "deploymentGroupName": "my-app-dg",
            "serviceRoleArn": "arn:aws:iam::123456789012:role/ecsCodeDeployRole",
            "deploymentConfigName": config,
            "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
            "blueGreenDeploymentConfiguration": {
                "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE", "terminationWaitTimeInMinutes": 1},
                "deploymentReadyOption": ready
            },
            "ecsServices": [{"serviceName": "my-app-service", "clusterName": "my-cluster"}],
            "loadBalancerInfo": {"targetGroupPairInfoList": [{
                "targetGroups": [{"name": "tg-a"}, {"name": "tg-b"}],
                "prodTrafficRoute": {"listenerArns": [prod]},
                "testTrafficRoute": {"listenerArns": [test]}
            }]},
            "autoRollbackConfiguration": {"enabled": true, "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"]}
        }),
    )
    .await
    .expect("CreateDeploymentGroup");
    v2
}

async fn deploy(c: &Client, td: &str, hooks: &str) -> String {
    let content = format!(
        "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: \"{td}\"\n        LoadBalancerInfo:\n          ContainerName: \"app\"\n          ContainerPort: 8080\n{hooks}"
    );
    let v = c
        .codedeploy(
            "CreateDeployment",
            json!({"applicationName": "my-app", "deploymentGroupName": "my-app-dg",
                "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": content}}}),
        )
        .await
        .expect("CreateDeployment");
    v["deploymentId"].as_str().expect("id").to_owned()
}

async fn status(c: &Client, id: &str) -> String {
    let v = c
        .codedeploy("GetDeployment", json!({"deploymentId": id}))
        .await
        .expect("GetDeployment");
    v["deploymentInfo"]["status"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn lines_follow_a_linear_shift_to_success() {
    let e = server().await;
    let v2 = story(
        &e.c,
        "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
        None,
    )
    .await;
    let id = deploy(&e.c, &v2, "").await;
    assert_eq!(e.c.latest_deployment().await.as_deref(), Ok(id.as_str()));
    let mut w = Watcher::new(e.c.clone(), id.clone());
    let mut lines = Vec::new();
    let mut code = None;
    for _ in 0..200 {
        let (snap, verdict) = w.poll().await.expect("poll");
        lines.extend(w.lines(&snap, &verdict));
        if let Verdict::Done { code: c, .. } = verdict {
            code = Some(c);
            break;
        }
        e.c.advance(20.0).await.expect("advance");
    }
    let all = lines.join("\n");
    assert_eq!(code, Some(0), "{all}");
    assert!(
        lines[0].contains(&format!("{id} InProgress | Install")),
        "{all}"
    );
    assert!(all.contains("Green tg-b 0% 2/2 tasks, 2 unused"), "{all}");
    // Each 10 % step is seen once, in order, blue and green summing to 100.
    let mut last = 0;
    for k in 1..=9 {
        let want = format!(
            "Blue tg-a {}% 2/2 tasks, 2 healthy | Green tg-b {}%",
            100 - 10 * k,
            10 * k
        );
        let at = lines
            .iter()
            .position(|l| l.contains(&want))
            .unwrap_or_else(|| panic!("no line with {want:?}:\n{all}"));
        assert!(at > last, "step {k} out of order:\n{all}");
        last = at;
        assert!(lines[at].contains(&format!("step {k}/10")), "{}", lines[at]);
    }
    assert!(all.contains("termination wait"), "{all}");
    assert!(lines
        .iter()
        .any(|l| l.contains(&format!("{id} Succeeded")) && l.contains("Green tg-b 100%")));
    assert_eq!(
        lines.last().unwrap(),
        &format!("Deployment {id} Succeeded.")
    );
    // Unchanged polls print nothing: every timestamped line differs from the one before.
    let bodies: Vec<&str> = lines
        .iter()
        .filter_map(|l| {
            l.strip_prefix('[')
                .and_then(|l| l.split_once("] "))
                .map(|x| x.1)
        })
        .collect();
    assert!(bodies.windows(2).all(|p| p[0] != p[1]), "{all}");

    // The terminal view of the finished deployment: one frame drawn from the top, then the outcome.
    let mut frame: Vec<u8> = Vec::new();
    let opts = watch::Options {
        interval: Duration::from_millis(10),
        tty: true,
        width: 80,
    };
    let code = watch::run(e.c.clone(), id.clone(), opts, &mut frame).await;
    let frame = String::from_utf8(frame).expect("utf-8");
    assert_eq!(code, Ok(0));
    assert!(frame.starts_with("\x1b[H"), "{frame:?}");
    assert!(
        frame.contains(&format!("Done: {id} Succeeded\x1b[K\n")),
        "{frame:?}"
    );
    assert!(
        frame.contains("Step     10/10 · replacement at 100%"),
        "{frame:?}"
    );
    assert!(
        frame.ends_with(&format!("\x1b[JDeployment {id} Succeeded.\n")),
        "{frame:?}"
    );

    // The binary: latest deployment, no TTY → lines, exit code 0.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(["watch", "--endpoint", &e.url, "--interval", "10ms"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .output()
        .await
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!("Deployment {id} Succeeded.")),
        "{stdout}"
    );
}

/// A writer the test can read while `watch::run` writes to it.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().expect("lock").clone()).expect("utf-8")
    }
}

/// A hook endpoint that holds each invocation until released, then answers Failed.
async fn failing_hook(release: Arc<Notify>) -> String {
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let release = release.clone();
            async move {
                release.notified().await;
                axum::Json(json!({"status": "Failed"}))
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(l, app).await;
    });
    format!("http://{addr}/hook")
}

#[tokio::test]
async fn a_failing_hook_is_followed_to_its_rollback_and_exits_non_zero() {
    let e = server().await;
    let v2 = story(&e.c, "CodeDeployDefault.ECSAllAtOnce", None).await;
    let release = Arc::new(Notify::new());
    let url = failing_hook(release.clone()).await;
    e.c.control(
        reqwest::Method::PUT,
        "hooks/CheckTestTraffic",
        Some(json!({ "url": url })),
    )
    .await
    .expect("hook registered");
    let id = deploy(
        &e.c,
        &v2,
        "Hooks:\n  - AfterAllowTestTraffic: \"CheckTestTraffic\"\n",
    )
    .await;
    let client = e.c.clone();
    let out = Shared::default();
    let mut sink = out.clone();
    let watching = tokio::spawn(async move {
        let opts = watch::Options {
            interval: Duration::from_millis(10),
            tty: false,
            width: 80,
        };
        watch::run(client, id, opts, &mut sink).await
    });
    // Advance until the hook is seen in progress, then let it fail.
    let mut seen_hook = false;
    for _ in 0..400 {
        if out
            .text()
            .contains("AfterAllowTestTraffic hook CheckTestTraffic")
        {
            seen_hook = true;
            break;
        }
        e.c.advance(30.0).await.expect("advance");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(seen_hook, "{}", out.text());
    release.notify_one();
    let code = tokio::time::timeout(Duration::from_secs(10), watching)
        .await
        .expect("watch ends")
        .expect("joins");
    let out = out.text();
    assert_eq!(code, Ok(1), "{out}");
    let id =
        e.c.latest_deployment()
            .await
            .expect("the rollback is the latest");
    assert!(out.contains("Failed | "), "{out}");
    let failed = out
        .lines()
        .find_map(|l| l.strip_prefix("Deployment "))
        .and_then(|l| l.split_whitespace().next())
        .expect("the failed id")
        .to_owned();
    assert!(
        out.contains(&format!("following rollback deployment {id}")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "{id} Succeeded | rollback of {failed} | Blue tg-a 100%"
        )),
        "{out}"
    );
    let last = out.lines().last().unwrap_or("");
    assert!(
        last.contains(" Failed (HOOK_EXECUTION_FAILURE: ")
            && last.ends_with(&format!("rollback deployment {id} Succeeded.")),
        "{last}"
    );

    // The binary on the failed deployment exits 1 as well.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(["watch", &failed, "--endpoint", &e.url, "--interval", "10ms"])
        .output()
        .await
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test]
async fn verbs_drive_the_clock_and_the_deployment() {
    let e = server().await;
    let c = &e.c;
    // No deployment yet: the verbs say so.
    let err: ClientError = verbs::continue_deployment(c, None, false)
        .await
        .unwrap_err();
    assert_eq!(err.code, "NoDeployments");

    let before = c.clock().await.unwrap()["now"].as_f64().unwrap();
    let shown = verbs::clock_show(c).await.unwrap();
    assert!(shown.contains("mode manual"), "{shown}");
    let adv = verbs::clock_advance(c, verbs::parse_duration("5m").unwrap())
        .await
        .unwrap();
    assert!(adv.starts_with("advanced 300s"), "{adv}");
    let after = c.clock().await.unwrap()["now"].as_f64().unwrap();
    assert!((after - before - 300.0).abs() < 1e-6, "{before} → {after}");
    let scaled = verbs::clock_scale(c, 60.0).await.unwrap();
    assert!(scaled.contains("mode real · scale 60"), "{scaled}");
    let manual = verbs::clock_mode(c, "manual").await.unwrap();
    assert!(manual.contains("mode manual · scale 60"), "{manual}");
    let bad = c
        .control(reqwest::Method::PUT, "clock", Some(json!({"mode": "fast"})))
        .await
        .unwrap_err();
    assert_eq!(bad.code, "InvalidRequest");

    // Ready wait: `continue` (latest) moves it on.
    let v2 = story(c, "CodeDeployDefault.ECSAllAtOnce", Some(10)).await;
    let id = deploy(c, &v2, "").await;
    c.advance(170.0).await.unwrap();
    assert_eq!(status(c, &id).await, "Ready");
    let err = verbs::continue_deployment(c, Some(id.clone()), true)
        .await
        .unwrap_err();
    assert!(err.code.ends_with("Exception"), "{err}");
    let said = verbs::continue_deployment(c, None, false).await.unwrap();
    assert!(said.starts_with(&format!("{id}: continued")), "{said}");
    assert_eq!(status(c, &id).await, "InProgress");
    // In the termination wait: skip it.
    let said = verbs::continue_deployment(c, Some(id.clone()), true)
        .await
        .unwrap();
    assert!(said.contains("termination wait skipped"), "{said}");
    assert_eq!(status(c, &id).await, "Succeeded");

    // `stop --rollback` on a running deployment.
    let id2 = deploy(c, &v2, "").await;
    // (ListDeployments breaks create-time ties by id: keep the rollback strictly newer.)
    c.advance(1.0).await.unwrap();
    let said = verbs::stop(c, None, true).await.unwrap();
    assert!(said.starts_with(&format!("{id2}: Succeeded")), "{said}");
    assert_eq!(status(c, &id2).await, "Stopped");
    let rb = c.latest_deployment().await.unwrap();
    assert_ne!(rb, id2);
    assert!(said.ends_with(&format!("rolled back by {rb}")), "{said}");
    let err = verbs::stop(c, Some(id2.clone()), false).await.unwrap_err();
    assert!(err.code.ends_with("Exception"), "{err}");

    // The binary: `clock advance 90s`, then `clock` prints the time.
    let bin = env!("CARGO_BIN_EXE_cutover");
    let out = tokio::process::Command::new(bin)
        .args(["clock", "advance", "1m30s", "--endpoint", &e.url])
        .output()
        .await
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("advanced 90s"));
    let out = tokio::process::Command::new(bin)
        .args(["clock", "advance", "soon", "--endpoint", &e.url])
        .output()
        .await
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "clap rejects a bad duration");
    let out = tokio::process::Command::new(bin)
        .args(["stop", "d-NOSUCHID1", "--endpoint", &e.url])
        .output()
        .await
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("DeploymentDoesNotExistException"));
}

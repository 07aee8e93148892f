//! Blue/green deployment workloads (issues 5 and 7): a fleet of CODE_DEPLOY ECS services set up
//! through the real wire requests (ALB, two target groups, production and test listeners,
//! service, deployment group), deployments created and run to completion by advancing the manual
//! clock, and their outcome checked through GetDeployment / GetDeploymentTarget.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{json, Value};

use crate::client::{BoxError, Conn};
use crate::wire::{Builder, Flavor, Json, Service, WireRequest};

/// The predefined configuration the deployment groups use (issue 5's performance target).
pub const LINEAR: &str = "CodeDeployDefault.ECSLinear10PercentEvery1Minutes";
/// Virtual seconds after which a no-hook linear deployment has certainly finished: Install
/// (tasks running and healthy, ~161 s) + 9 linear steps (540 s) + the 5-minute termination
/// wait (300 s) = 1,001 s, with margin.
pub const DEPLOY_ADVANCE_S: f64 = 1_100.0;
/// Virtual seconds for a new service's tasks to run and pass their health checks.
pub const SERVICE_SETTLE_S: f64 = 200.0;
/// Tasks per service (as in the rehearsal story of the end-to-end tests).
pub const TASKS_PER_SERVICE: i64 = 2;
/// The lifecycle events of an ECS deployment, in AWS's order.
pub const LIFECYCLE: [&str; 8] = [
    "BeforeInstall",
    "Install",
    "AfterInstall",
    "AllowTestTraffic",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AllowTraffic",
    "AfterAllowTraffic",
];

/// Sends a request and fails on any answer but 200.
pub async fn call(c: &mut Conn, req: &WireRequest) -> Result<Bytes, BoxError> {
    let (status, body) = c.send(req).await?;
    if status != 200 {
        let op = req
            .header("x-amz-target")
            .map(str::to_owned)
            .unwrap_or_else(|| String::from_utf8_lossy(&req.body[..req.body.len().min(60)]).into());
        return Err(format!(
            "{op}: {status} {}",
            String::from_utf8_lossy(&body[..body.len().min(400)])
        )
        .into());
    }
    Ok(body)
}

/// A control-API call that must answer 200.
pub async fn control(c: &mut Conn, path: &str, body: &str) -> Result<Value, BoxError> {
    let (status, answer) = c.plain("POST", path, body).await?;
    if status != 200 {
        return Err(format!("{path}: {status} {}", String::from_utf8_lossy(&answer)).into());
    }
    Ok(serde_json::from_slice(&answer).unwrap_or(Value::Null))
}

/// `POST /_cutover/clock/advance`: fires every due event in order before answering.
pub async fn advance(c: &mut Conn, seconds: f64) -> Result<Value, BoxError> {
    control(
        c,
        "/_cutover/clock/advance",
        &json!({ "seconds": seconds }).to_string(),
    )
    .await
}

/// The text of the first `<tag>` element of an XML answer (entities decoded).
pub fn xml_value(body: &[u8], tag: &str) -> Option<String> {
    let s = std::str::from_utf8(body).ok()?;
    let open = format!("<{tag}>");
    let start = s.find(&open)? + open.len();
    let end = start + s[start..].find(&format!("</{tag}>"))?;
    Some(
        s[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

fn json_field(body: &[u8], path: &[&str]) -> Option<Value> {
    let mut v: Value = serde_json::from_slice(body).ok()?;
    for p in path {
        v = v.get_mut(*p)?.take();
    }
    Some(v)
}

/// Runs `f(conn, i)` for every `i` in `0..n` on `workers` keep-alive connections (each worker
/// takes the next index); results in index order. The first error stops the whole run.
pub async fn parallel<R, F, Fut>(
    addr: SocketAddr,
    n: usize,
    workers: usize,
    f: F,
) -> Result<Vec<R>, BoxError>
where
    R: Send + 'static,
    F: Fn(Conn, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = (Conn, Result<R, BoxError>)> + Send + 'static,
{
    let f = Arc::new(f);
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..workers.clamp(1, n.max(1)) {
        let mut conn = Conn::connect(addr).await?;
        let f = f.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let (c, r) = f(conn, i).await;
                conn = c;
                match r {
                    Ok(r) => out.push((i, r)),
                    Err(e) => {
                        // Make the other workers stop early too.
                        next.store(n, Ordering::Relaxed);
                        return Err(e);
                    }
                }
            }
            Ok::<_, BoxError>(out)
        }));
    }
    let mut all = Vec::with_capacity(n);
    let mut first_err = None;
    for t in tasks {
        match t.await? {
            Ok(v) => all.extend(v),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_err {
        return Err(e);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, r)| r).collect())
}

/// Parallelism of setup and verification calls.
pub const WORKERS: usize = 16;

/// A fleet of deployable services sharing one cluster, one application and one task family.
#[derive(Debug, Clone)]
pub struct Fleet {
    /// Short prefix of every name (ALB and target-group names are at most 32 characters).
    pub tag: String,
    pub services: usize,
    /// ECS clusters the services are spread over (service `i` in cluster `i % clusters`).
    pub clusters: usize,
    /// Task-definition ARNs: revision 1 (what the services start on) and revision 2.
    pub revisions: [String; 2],
    /// Production listener ARN of each service.
    pub prod_listeners: Vec<String>,
}

impl Fleet {
    /// The cluster of service `i`.
    pub fn cluster(&self, i: usize) -> String {
        if self.clusters <= 1 {
            format!("{}-cluster", self.tag)
        } else {
            format!("{}-cluster-{}", self.tag, i % self.clusters)
        }
    }
    pub fn application(&self) -> String {
        format!("{}-app", self.tag)
    }
    pub fn service(&self, i: usize) -> String {
        format!("svc-{i}")
    }
    pub fn group(&self, i: usize) -> String {
        format!("dg-{i}")
    }
    /// The deployment target id, `cluster:service`.
    pub fn target_id(&self, i: usize) -> String {
        format!("{}:{}", self.cluster(i), self.service(i))
    }
}

fn b() -> Builder {
    Builder::new(Flavor::RustSdk)
}

fn task_definition(family: &str, image: &str) -> WireRequest {
    b().json(
        Service::Ecs,
        "RegisterTaskDefinition",
        &Json::obj([
            ("family", Json::str(family)),
            (
                "containerDefinitions",
                Json::Arr(vec![Json::obj([
                    ("name", Json::str("app")),
                    ("image", Json::str(image)),
                    ("essential", Json::Bool(true)),
                    (
                        "portMappings",
                        Json::Arr(vec![Json::obj([("containerPort", Json::Int(8080))])]),
                    ),
                ])]),
            ),
            ("networkMode", Json::str("awsvpc")),
            ("requiresCompatibilities", Json::strs(["FARGATE"])),
            ("cpu", Json::str("256")),
            ("memory", Json::str("512")),
        ]),
    )
}

/// `networkConfiguration` of an awsvpc service.
pub fn network() -> Json {
    Json::obj([(
        "awsvpcConfiguration",
        Json::obj([("subnets", Json::strs(["subnet-1", "subnet-2"]))]),
    )])
}

/// Registers a FARGATE revision of `family`; returns its ARN.
pub async fn register_task_definition(
    c: &mut Conn,
    family: &str,
    image: &str,
) -> Result<String, BoxError> {
    let body = call(c, &task_definition(family, image)).await?;
    json_field(&body, &["taskDefinition", "taskDefinitionArn"])
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| "RegisterTaskDefinition: no taskDefinitionArn".into())
}

async fn create_target_group(c: &mut Conn, name: &str) -> Result<String, BoxError> {
    let body = call(
        c,
        &b().query(
            "CreateTargetGroup",
            &[
                ("Name", name),
                ("Protocol", "HTTP"),
                ("Port", "80"),
                ("VpcId", "vpc-0bench00000000000"),
                ("TargetType", "ip"),
            ],
        ),
    )
    .await?;
    xml_value(&body, "TargetGroupArn").ok_or_else(|| "CreateTargetGroup: no ARN".into())
}

async fn create_listener(c: &mut Conn, lb: &str, port: &str, tg: &str) -> Result<String, BoxError> {
    let body = call(
        c,
        &b().query(
            "CreateListener",
            &[
                ("LoadBalancerArn", lb),
                ("Protocol", "HTTP"),
                ("Port", port),
                ("DefaultActions.member.1.Type", "forward"),
                ("DefaultActions.member.1.TargetGroupArn", tg),
            ],
        ),
    )
    .await?;
    xml_value(&body, "ListenerArn").ok_or_else(|| "CreateListener: no ARN".into())
}

/// One service of the fleet: its ALB, TG-A and TG-B, the production (80) and test (8080)
/// listeners forwarding to TG-A, the CODE_DEPLOY service on revision 1 in TG-A, and its
/// deployment group (linear 10 % a minute, 5-minute termination wait, rollback on failure).
async fn setup_service(c: &mut Conn, fleet: &Fleet, i: usize) -> Result<String, BoxError> {
    let tag = &fleet.tag;
    let body = call(
        c,
        &b().query(
            "CreateLoadBalancer",
            &[
                ("Name", &format!("{tag}-lb-{i}")),
                ("Subnets.member.1", "subnet-1"),
                ("Subnets.member.2", "subnet-2"),
            ],
        ),
    )
    .await?;
    let lb = xml_value(&body, "LoadBalancerArn").ok_or("CreateLoadBalancer: no ARN")?;
    let tg_a_name = format!("{tag}-{i}-a");
    let tg_b_name = format!("{tag}-{i}-b");
    let tg_a = create_target_group(c, &tg_a_name).await?;
    create_target_group(c, &tg_b_name).await?;
    let prod = create_listener(c, &lb, "80", &tg_a).await?;
    let test = create_listener(c, &lb, "8080", &tg_a).await?;
    call(
        c,
        &b().json(
            Service::Ecs,
            "CreateService",
            &Json::obj([
                ("cluster", Json::str(fleet.cluster(i))),
                ("serviceName", Json::str(fleet.service(i))),
                ("taskDefinition", Json::str(&fleet.revisions[0])),
                (
                    "loadBalancers",
                    Json::Arr(vec![Json::obj([
                        ("targetGroupArn", Json::str(&tg_a)),
                        ("containerName", Json::str("app")),
                        ("containerPort", Json::Int(8080)),
                    ])]),
                ),
                ("desiredCount", Json::Int(TASKS_PER_SERVICE)),
                (
                    "deploymentController",
                    Json::obj([("type", Json::str("CODE_DEPLOY"))]),
                ),
                ("networkConfiguration", network()),
            ]),
        ),
    )
    .await?;
    call(
        c,
        &b().json(
            Service::CodeDeploy,
            "CreateDeploymentGroup",
            &Json::obj([
                ("applicationName", Json::str(fleet.application())),
                ("deploymentGroupName", Json::str(fleet.group(i))),
                ("deploymentConfigName", Json::str(LINEAR)),
                (
                    "serviceRoleArn",
                    Json::str("arn:aws:iam::123456789012:role/ecsCodeDeployRole"),
                ),
                (
                    "autoRollbackConfiguration",
                    Json::obj([
                        ("enabled", Json::Bool(true)),
                        ("events", Json::strs(["DEPLOYMENT_FAILURE"])),
                    ]),
                ),
                (
                    "deploymentStyle",
                    Json::obj([
                        ("deploymentType", Json::str("BLUE_GREEN")),
                        ("deploymentOption", Json::str("WITH_TRAFFIC_CONTROL")),
                    ]),
                ),
                (
                    "blueGreenDeploymentConfiguration",
                    Json::obj([
                        (
                            "terminateBlueInstancesOnDeploymentSuccess",
                            Json::obj([
                                ("action", Json::str("TERMINATE")),
                                ("terminationWaitTimeInMinutes", Json::Int(5)),
                            ]),
                        ),
                        (
                            "deploymentReadyOption",
                            Json::obj([
                                ("actionOnTimeout", Json::str("CONTINUE_DEPLOYMENT")),
                                ("waitTimeInMinutes", Json::Int(0)),
                            ]),
                        ),
                    ]),
                ),
                (
                    "loadBalancerInfo",
                    Json::obj([(
                        "targetGroupPairInfoList",
                        Json::Arr(vec![Json::obj([
                            (
                                "targetGroups",
                                Json::Arr(vec![
                                    Json::obj([("name", Json::str(&tg_a_name))]),
                                    Json::obj([("name", Json::str(&tg_b_name))]),
                                ]),
                            ),
                            (
                                "prodTrafficRoute",
                                Json::obj([("listenerArns", Json::strs([prod.as_str()]))]),
                            ),
                            (
                                "testTrafficRoute",
                                Json::obj([("listenerArns", Json::strs([test.as_str()]))]),
                            ),
                        ])]),
                    )]),
                ),
                (
                    "ecsServices",
                    Json::Arr(vec![Json::obj([
                        ("serviceName", Json::str(fleet.service(i))),
                        ("clusterName", Json::str(fleet.cluster(i))),
                    ])]),
                ),
            ]),
        ),
    )
    .await?;
    Ok(prod)
}

/// Sets up `services` deployable services (in parallel; in one cluster) and lets their tasks
/// run and become healthy (`SERVICE_SETTLE_S` of virtual time).
pub async fn setup_fleet(addr: SocketAddr, tag: &str, services: usize) -> Result<Fleet, BoxError> {
    setup_fleet_in(addr, tag, services, 1).await
}

/// [`setup_fleet`] with the services spread over `clusters` clusters.
pub async fn setup_fleet_in(
    addr: SocketAddr,
    tag: &str,
    services: usize,
    clusters: usize,
) -> Result<Fleet, BoxError> {
    let mut c = Conn::connect(addr).await?;
    let mut fleet = Fleet {
        tag: tag.to_owned(),
        services,
        clusters: clusters.max(1),
        revisions: [String::new(), String::new()],
        prod_listeners: Vec::new(),
    };
    for k in 0..fleet.clusters.clamp(1, services.max(1)) {
        call(
            &mut c,
            &b().json(
                Service::Ecs,
                "CreateCluster",
                &Json::obj([("clusterName", Json::str(fleet.cluster(k)))]),
            ),
        )
        .await?;
    }
    let family = format!("{tag}-task");
    fleet.revisions = [
        register_task_definition(&mut c, &family, "my-app:v1").await?,
        register_task_definition(&mut c, &family, "my-app:v2").await?,
    ];
    call(
        &mut c,
        &b().json(
            Service::CodeDeploy,
            "CreateApplication",
            &Json::obj([
                ("applicationName", Json::str(fleet.application())),
                ("computePlatform", Json::str("ECS")),
            ]),
        ),
    )
    .await?;
    let shared = Arc::new(fleet.clone());
    fleet.prod_listeners = parallel(addr, services, WORKERS, move |mut c, i| {
        let fleet = shared.clone();
        async move {
            let r = setup_service(&mut c, &fleet, i).await;
            (c, r)
        }
    })
    .await?;
    advance(&mut c, SERVICE_SETTLE_S).await?;
    Ok(fleet)
}

/// The AppSpec of a deployment to `task_definition` (no hooks).
pub fn appspec(task_definition: &str) -> String {
    format!(
        "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: \"{task_definition}\"\n        LoadBalancerInfo:\n          ContainerName: \"app\"\n          ContainerPort: 8080\n"
    )
}

/// `CreateDeployment` for service `i` to `task_definition`; `config` overrides the group's.
pub fn create_deployment(
    fleet: &Fleet,
    i: usize,
    task_definition: &str,
    config: Option<&str>,
) -> WireRequest {
    let mut m = vec![
        ("applicationName", Json::str(fleet.application())),
        ("deploymentGroupName", Json::str(fleet.group(i))),
        (
            "revision",
            Json::obj([
                ("revisionType", Json::str("AppSpecContent")),
                (
                    "appSpecContent",
                    Json::obj([("content", Json::str(appspec(task_definition)))]),
                ),
            ]),
        ),
    ];
    if let Some(cfg) = config {
        m.push(("deploymentConfigName", Json::str(cfg)));
    }
    b().json(Service::CodeDeploy, "CreateDeployment", &Json::obj(m))
}

/// Creates a deployment; returns its id.
pub async fn deploy(c: &mut Conn, req: &WireRequest) -> Result<String, BoxError> {
    let body = call(c, req).await?;
    json_field(&body, &["deploymentId"])
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| "CreateDeployment: no deploymentId".into())
}

/// `GetDeployment`: the deployment's status.
pub async fn deployment_status(c: &mut Conn, id: &str) -> Result<String, BoxError> {
    let body = call(
        c,
        &b().json(
            Service::CodeDeploy,
            "GetDeployment",
            &Json::obj([("deploymentId", Json::str(id))]),
        ),
    )
    .await?;
    json_field(&body, &["deploymentInfo", "status"])
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| format!("GetDeployment {id}: no status").into())
}

/// What one deployment's target shows at the end.
#[derive(Debug, Clone, Default)]
pub struct TargetCheck {
    /// Problems found (empty: every event present, in order, Succeeded, times non-decreasing).
    pub problems: Vec<String>,
    /// Virtual seconds from AllowTraffic's start to its end (540 for linear 10 % a minute).
    pub allow_traffic_s: Option<f64>,
}

/// `GetDeploymentTarget`: checks `ecsTarget.lifecycleEvents` — the eight events in AWS's order,
/// every one `Succeeded`, start times non-decreasing, each starting no earlier than the previous
/// one ended.
pub async fn check_target(
    c: &mut Conn,
    id: &str,
    target_id: &str,
) -> Result<TargetCheck, BoxError> {
    let body = call(
        c,
        &b().json(
            Service::CodeDeploy,
            "GetDeploymentTarget",
            &Json::obj([
                ("deploymentId", Json::str(id)),
                ("targetId", Json::str(target_id)),
            ]),
        ),
    )
    .await?;
    let target = json_field(&body, &["deploymentTarget", "ecsTarget"]).unwrap_or(Value::Null);
    let events = target["lifecycleEvents"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut out = TargetCheck::default();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["lifecycleEventName"].as_str().unwrap_or("?"))
        .collect();
    if names != LIFECYCLE {
        out.problems.push(format!("{id}: events {names:?}"));
    }
    if target["status"] != "Succeeded" {
        out.problems
            .push(format!("{id}: target status {}", target["status"]));
    }
    let mut last_start = f64::MIN;
    let mut last_end = f64::MIN;
    for e in &events {
        let name = e["lifecycleEventName"].as_str().unwrap_or("?");
        if e["status"] != "Succeeded" {
            out.problems
                .push(format!("{id}: {name} is {}", e["status"]));
        }
        let (Some(start), Some(end)) = (e["startTime"].as_f64(), e["endTime"].as_f64()) else {
            out.problems
                .push(format!("{id}: {name} has no start or end time"));
            continue;
        };
        if start < last_start {
            out.problems
                .push(format!("{id}: {name} starts before the previous event"));
        }
        if start + 1e-6 < last_end {
            out.problems.push(format!(
                "{id}: {name} starts before the previous event ended"
            ));
        }
        if end < start {
            out.problems
                .push(format!("{id}: {name} ends before it starts"));
        }
        if name == "AllowTraffic" {
            out.allow_traffic_s = Some(((end - start) * 1000.0).round() / 1000.0);
        }
        last_start = start;
        last_end = end;
    }
    Ok(out)
}

fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10_000.0
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1_000.0
}

/// One round: a deployment on every service of the fleet (created in parallel), one clock
/// advance, every deployment's final status read back.
#[derive(Debug, Clone)]
pub struct Round {
    pub ids: Vec<String>,
    pub create: Duration,
    pub advance: Duration,
    pub verify: Duration,
    /// Deployments whose final status is not Succeeded, with their status.
    pub not_succeeded: Vec<(String, String)>,
}

impl Round {
    pub fn total(&self) -> Duration {
        self.create + self.advance + self.verify
    }
}

/// Deploys revision `rev` (0 or 1) to every service, advances the clock `advance_s`, and reads
/// every deployment's status.
pub async fn round(
    addr: SocketAddr,
    fleet: &Arc<Fleet>,
    rev: usize,
    config: Option<&'static str>,
    advance_s: f64,
) -> Result<Round, BoxError> {
    let t0 = Instant::now();
    let f = fleet.clone();
    let ids = parallel(addr, fleet.services, WORKERS, move |mut c, i| {
        let req = create_deployment(&f, i, &f.revisions[rev], config);
        async move {
            let r = deploy(&mut c, &req).await;
            (c, r)
        }
    })
    .await?;
    let create = t0.elapsed();
    let mut c = Conn::connect(addr).await?;
    let t1 = Instant::now();
    advance(&mut c, advance_s).await?;
    let advance_d = t1.elapsed();
    let t2 = Instant::now();
    let shared = Arc::new(ids.clone());
    let statuses = parallel(addr, ids.len(), WORKERS, move |mut c, i| {
        let ids = shared.clone();
        async move {
            let r = deployment_status(&mut c, &ids[i]).await;
            (c, r)
        }
    })
    .await?;
    let verify = t2.elapsed();
    let not_succeeded = ids
        .iter()
        .zip(statuses)
        .filter(|(_, s)| s != "Succeeded")
        .map(|(id, s)| (id.clone(), s))
        .collect();
    Ok(Round {
        ids,
        create,
        advance: advance_d,
        verify,
        not_succeeded,
    })
}

async fn reset(addr: SocketAddr) -> Result<(), BoxError> {
    let mut c = Conn::connect(addr).await?;
    control(&mut c, "/_cutover/reset", "").await?;
    Ok(())
}

/// Issue 5's single-deployment figure: on a fresh state with one service, `runs` sequential
/// linear deployments (alternating revisions), each timed from CreateDeployment through one
/// clock advance to a GetDeployment that reads Succeeded.
pub async fn single_deployment(addr: SocketAddr, runs: usize) -> Result<Value, BoxError> {
    reset(addr).await?;
    let fleet = setup_fleet(addr, "one", 1).await?;
    let mut c = Conn::connect(addr).await?;
    let mut times = Vec::with_capacity(runs);
    let mut failures = Vec::new();
    for r in 0..runs {
        let req = create_deployment(&fleet, 0, &fleet.revisions[(r + 1) % 2], None);
        let t0 = Instant::now();
        let id = deploy(&mut c, &req).await?;
        advance(&mut c, DEPLOY_ADVANCE_S).await?;
        let status = deployment_status(&mut c, &id).await?;
        times.push(t0.elapsed());
        if status != "Succeeded" {
            failures.push(format!("{id}: {status}"));
        }
    }
    times.sort_unstable();
    Ok(json!({
        "measurement": "deployment_wall_time",
        "server": "cutover",
        "status": if failures.is_empty() { "ok" } else { "failed" },
        "config": LINEAR,
        "hooks": 0,
        "runs": runs,
        "advance_s": DEPLOY_ADVANCE_S,
        "median_ms": times.get(times.len() / 2).map(|d| ms(*d)),
        "min_ms": times.first().map(|d| ms(*d)),
        "max_ms": times.last().map(|d| ms(*d)),
        "not_succeeded": failures,
    }))
}

/// Deployment throughput: `services` services, `rounds` rounds of one deployment each.
pub async fn throughput(
    addr: SocketAddr,
    services: usize,
    rounds: usize,
) -> Result<Value, BoxError> {
    reset(addr).await?;
    let t_setup = Instant::now();
    let fleet = Arc::new(setup_fleet(addr, "tp", services).await?);
    let setup = t_setup.elapsed();
    let mut total = Duration::ZERO;
    let (mut create, mut adv, mut verify) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut deployments = 0usize;
    let mut not_succeeded = Vec::new();
    for r in 0..rounds {
        let rd = round(addr, &fleet, (r + 1) % 2, None, DEPLOY_ADVANCE_S).await?;
        total += rd.total();
        create += rd.create;
        adv += rd.advance;
        verify += rd.verify;
        deployments += rd.ids.len();
        not_succeeded.extend(rd.not_succeeded.iter().map(|(i, s)| format!("{i}: {s}")));
    }
    let dps = deployments as f64 / total.as_secs_f64().max(1e-9);
    Ok(json!({
        "measurement": "deployment_throughput",
        "server": "cutover",
        "status": if not_succeeded.is_empty() { "ok" } else { "failed" },
        "config": LINEAR,
        "services": services,
        "rounds": rounds,
        "deployments": deployments,
        "succeeded": deployments - not_succeeded.len(),
        "not_succeeded": not_succeeded.iter().take(10).collect::<Vec<_>>(),
        "deployments_per_s": dps.round() as u64,
        "wall_s": secs(total),
        "create_s": secs(create),
        "advance_s": secs(adv),
        "verify_s": secs(verify),
        "setup_s": secs(setup),
    }))
}

/// Issue 5's scale check: `services` services (spread over `clusters` clusters), one deployment
/// each, all created before the clock moves, then one advance; every deployment's lifecycle
/// checked.
pub async fn scale_check(
    addr: SocketAddr,
    services: usize,
    clusters: usize,
) -> Result<Value, BoxError> {
    reset(addr).await?;
    let t_setup = Instant::now();
    let fleet = Arc::new(setup_fleet_in(addr, "sc", services, clusters).await?);
    let setup = t_setup.elapsed();
    let rd = round(addr, &fleet, 1, None, DEPLOY_ADVANCE_S).await?;
    let t_check = Instant::now();
    let ids = Arc::new(rd.ids.clone());
    let f = fleet.clone();
    let checks = parallel(addr, ids.len(), WORKERS, move |mut c, i| {
        let ids = ids.clone();
        let tid = f.target_id(i);
        async move {
            let r = check_target(&mut c, &ids[i], &tid).await;
            (c, r)
        }
    })
    .await?;
    let check = t_check.elapsed();
    let problems: Vec<String> = checks.iter().flat_map(|c| c.problems.clone()).collect();
    let mut allow: Vec<f64> = checks.iter().filter_map(|c| c.allow_traffic_s).collect();
    allow.sort_by(f64::total_cmp);
    let ok = problems.is_empty() && rd.not_succeeded.is_empty();
    Ok(json!({
        "measurement": "deployment_scale",
        "server": "cutover",
        "status": if ok { "ok" } else { "failed" },
        "config": LINEAR,
        "services": services,
        "clusters": fleet.clusters,
        "deployments": rd.ids.len(),
        "succeeded": rd.ids.len() - rd.not_succeeded.len(),
        "lifecycle_problems": problems.len(),
        "first_problems": problems.iter().take(10).collect::<Vec<_>>(),
        "allow_traffic_s_min": allow.first(),
        "allow_traffic_s_max": allow.last(),
        "wall_s": secs(rd.total()),
        "create_s": secs(rd.create),
        "advance_s": secs(rd.advance),
        "status_s": secs(rd.verify),
        "lifecycle_check_s": secs(check),
        "setup_s": secs(setup),
    }))
}

/// What filling the server with deployments took: the first and the last round (create,
/// advance, verify), to show whether a round's cost grows with the deployments already made.
#[derive(Debug, Clone)]
pub struct Filled {
    pub fleet: Fleet,
    pub made: usize,
    pub first_round: Option<Round>,
    pub last_round: Option<Round>,
}

impl Filled {
    /// `{create_ms, advance_ms, verify_ms}` of a round.
    pub fn round_json(r: &Option<Round>) -> Value {
        match r {
            None => Value::Null,
            Some(r) => json!({
                "deployments": r.ids.len(),
                "create_ms": ms(r.create),
                "advance_ms": ms(r.advance),
                "verify_ms": ms(r.verify),
            }),
        }
    }
}

/// Fills the server with `n` completed deployments for the ListDeployments page cost:
/// `services` services, `n / services` rounds of one deployment each (all-at-once, to keep the
/// virtual time short; every round advanced to completion and checked).
pub async fn fill_deployments(
    addr: SocketAddr,
    tag: &str,
    n: usize,
    services: usize,
) -> Result<Filled, BoxError> {
    let services = services.clamp(1, n.max(1));
    let fleet = Arc::new(setup_fleet(addr, tag, services).await?);
    let mut made = 0;
    let mut r = 0;
    let (mut first_round, mut last_round) = (None, None);
    while made < n {
        let rd = round(
            addr,
            &fleet,
            (r + 1) % 2,
            Some("CodeDeployDefault.ECSAllAtOnce"),
            DEPLOY_ADVANCE_S - 540.0,
        )
        .await?;
        if let Some((id, s)) = rd.not_succeeded.first() {
            return Err(format!("filling deployments: {id} ended {s}").into());
        }
        made += rd.ids.len();
        r += 1;
        if first_round.is_none() {
            first_round = Some(rd);
        } else {
            last_round = Some(rd);
        }
    }
    Ok(Filled {
        fleet: (*fleet).clone(),
        made,
        first_round,
        last_round,
    })
}

//! The per-issue performance checks (`cutover-bench checks`): DescribeTargetHealth with 1,000
//! targets, DescribeTargetGroups with 10,000 groups, ListTaskDefinitions with 10,000 revisions,
//! DescribeServices of 10 services x 100 tasks, resident memory per target and for 10,000
//! running tasks, the ListClusters round trip on one connection, start-up time and idle RSS.
//! Each line carries its goal and whether it was met.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::client::{percentile, run_load, BoxError, Conn};
use crate::deploy::{
    advance, call, network, parallel, register_task_definition, xml_value, WORKERS,
};
use crate::procs;
use crate::suite::{memory_line, progress, reset, round2, startup_line, Reporter};
use crate::wire::{Builder, Flavor, Json, Service, WireRequest};

/// Sizes of the checks (the issues' figures by default; tiny ones for the smoke test).
#[derive(Debug, Clone)]
pub struct ChecksPlan {
    pub startup_runs: usize,
    /// Timed repetitions of each read.
    pub repeats: usize,
    pub list_clusters: usize,
    /// Targets in the group DescribeTargetHealth reads (at most 1,000 per group).
    pub targets_per_group: usize,
    /// Groups of that size registered for the per-target memory figure.
    pub target_groups_for_memory: usize,
    pub target_groups: usize,
    pub revisions: usize,
    /// DescribeServices: services (at most 10 per call) x tasks each.
    pub services: usize,
    pub tasks_per_service: usize,
    /// Running tasks for the memory figure (services of `tasks_per_service`).
    pub running_tasks: usize,
}

impl ChecksPlan {
    pub fn full() -> ChecksPlan {
        ChecksPlan {
            startup_runs: 21,
            repeats: 1_000,
            list_clusters: 10_000,
            targets_per_group: 1_000,
            target_groups_for_memory: 10,
            target_groups: 10_000,
            revisions: 10_000,
            services: 10,
            tasks_per_service: 100,
            running_tasks: 10_000,
        }
    }

    pub fn quick() -> ChecksPlan {
        ChecksPlan {
            startup_runs: 3,
            repeats: 20,
            list_clusters: 100,
            targets_per_group: 50,
            target_groups_for_memory: 2,
            target_groups: 50,
            revisions: 50,
            services: 3,
            tasks_per_service: 5,
            running_tasks: 30,
        }
    }
}

fn b() -> Builder {
    Builder::new(Flavor::RustSdk)
}

/// `repeats` sequential sends of one request on one connection (after a discarded tenth);
/// sorted latencies in µs. Fails on any answer but 200.
async fn latencies(
    addr: SocketAddr,
    req: &WireRequest,
    repeats: usize,
) -> Result<Vec<u32>, BoxError> {
    let mut c = Conn::connect(addr).await?;
    for _ in 0..(repeats / 10).max(1) {
        call(&mut c, req).await?;
    }
    let mut lat = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let t = Instant::now();
        call(&mut c, req).await?;
        lat.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
    }
    lat.sort_unstable();
    Ok(lat)
}

fn latency_line(name: &str, what: Value, lat: &[u32], goal_us: u32) -> Value {
    let p50 = percentile(lat, 0.5);
    json!({
        "measurement": "issue_check",
        "name": name,
        "setup": what,
        "repeats": lat.len(),
        "p50_us": p50,
        "p99_us": percentile(lat, 0.99),
        "goal": format!("median < {goal_us} µs"),
        "met": p50 < goal_us,
    })
}

fn rss_now(rss: &dyn Fn() -> Option<u64>) -> Option<u64> {
    rss()
}

/// ListClusters round trip on one keep-alive connection (goal: median < 100 µs).
pub async fn list_clusters_rtt(addr: SocketAddr, plan: &ChecksPlan) -> Result<Value, BoxError> {
    progress("checks: ListClusters round trip, one connection");
    reset(addr).await?;
    let req = b().json(Service::Ecs, "ListClusters", &Json::obj::<&str>([]));
    let lat = latencies(addr, &req, plan.list_clusters).await?;
    Ok(latency_line(
        "list_clusters_rtt",
        json!("ECS ListClusters, empty state, one connection"),
        &lat,
        100,
    ))
}

async fn target_group(c: &mut Conn, name: &str) -> Result<String, BoxError> {
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

/// Registers `count` ip targets (`10.g.x.y:8080`) in batches of 100.
async fn register_targets(c: &mut Conn, tg: &str, g: usize, count: usize) -> Result<(), BoxError> {
    let mut k = 0;
    while k < count {
        let batch = (count - k).min(100);
        let mut params: Vec<(String, String)> = vec![("TargetGroupArn".into(), tg.to_owned())];
        for j in 0..batch {
            let n = k + j;
            params.push((
                format!("Targets.member.{}.Id", j + 1),
                format!("10.{}.{}.{}", g % 256, n / 250, n % 250 + 1),
            ));
            params.push((format!("Targets.member.{}.Port", j + 1), "8080".into()));
        }
        let refs: Vec<(&str, &str)> = params
            .iter()
            .map(|(a, v)| (a.as_str(), v.as_str()))
            .collect();
        call(c, &b().query("RegisterTargets", &refs)).await?;
        k += batch;
    }
    Ok(())
}

/// Targets: resident memory per registered target (RSS before and after registering
/// `groups x per_group` targets, with their health checks scheduled, and after 200 s of health
/// checks), then DescribeTargetHealth on a group of `per_group` (goal: median < 1 ms).
pub async fn targets(
    addr: SocketAddr,
    plan: &ChecksPlan,
    rss: &dyn Fn() -> Option<u64>,
) -> Result<Vec<Value>, BoxError> {
    progress(&format!(
        "checks: {} groups x {} targets",
        plan.target_groups_for_memory, plan.targets_per_group
    ));
    reset(addr).await?;
    let before = rss_now(rss);
    let per_group = plan.targets_per_group;
    let groups = plan.target_groups_for_memory.max(1);
    let t0 = Instant::now();
    let arns = parallel(addr, groups, WORKERS.min(4), move |mut c, g| async move {
        let r = async {
            let arn = target_group(&mut c, &format!("mem-{g}")).await?;
            register_targets(&mut c, &arn, g, per_group).await?;
            Ok::<_, BoxError>(arn)
        }
        .await;
        (c, r)
    })
    .await?;
    let register_s = t0.elapsed().as_secs_f64();
    let after = rss_now(rss);
    let mut c = Conn::connect(addr).await?;
    // A listener on the first group, so its targets are health-checked (`healthy` after 5 x
    // 30 s); the other groups stay `unused`, as on AWS.
    let body = call(
        &mut c,
        &b().query(
            "CreateLoadBalancer",
            &[
                ("Name", "mem-lb"),
                ("Subnets.member.1", "subnet-1"),
                ("Subnets.member.2", "subnet-2"),
            ],
        ),
    )
    .await?;
    let lb = xml_value(&body, "LoadBalancerArn").ok_or("CreateLoadBalancer: no ARN")?;
    call(
        &mut c,
        &b().query(
            "CreateListener",
            &[
                ("LoadBalancerArn", &lb),
                ("Protocol", "HTTP"),
                ("Port", "80"),
                ("DefaultActions.member.1.Type", "forward"),
                ("DefaultActions.member.1.TargetGroupArn", &arns[0]),
            ],
        ),
    )
    .await?;
    let t1 = Instant::now();
    advance(&mut c, 200.0).await?;
    let advance_s = t1.elapsed().as_secs_f64();
    let after_checks = rss_now(rss);
    let total = groups * per_group;
    let per_target = |a: Option<u64>| {
        before
            .zip(a)
            .map(|(x, y)| (y.saturating_sub(x) * 1024) as f64 / total.max(1) as f64)
            .map(|v| v.round() as u64)
    };
    let req = b().query("DescribeTargetHealth", &[("TargetGroupArn", &arns[0])]);
    let body = call(&mut c, &req).await?;
    let text = String::from_utf8_lossy(&body);
    let described = text.matches("<State>").count();
    let healthy = text.matches("<State>healthy</State>").count();
    let lat = latencies(addr, &req, plan.repeats).await?;
    let mut health = latency_line(
        "describe_target_health",
        json!(format!(
            "one group of {per_group} ip targets ({healthy} healthy)"
        )),
        &lat,
        1_000,
    );
    health["targets"] = json!(per_group);
    health["described"] = json!(described);
    health["healthy"] = json!(healthy);
    Ok(vec![
        json!({
            "measurement": "issue_check",
            "name": "memory_per_target",
            "setup": format!("{groups} groups x {per_group} ip targets"),
            "targets": total,
            "rss_before_kib": before,
            "rss_after_register_kib": after,
            "rss_after_200s_of_health_checks_kib": after_checks,
            "bytes_per_target": per_target(after),
            "bytes_per_target_after_checks": per_target(after_checks),
            "register_s": round2(register_s),
            "advance_200s_wall_ms": round2(advance_s * 1000.0),
            "goal": "none given (reported)",
            "met": Value::Null,
        }),
        health,
    ])
}

/// DescribeTargetGroups with `target_groups` groups: the default page (400) and a page of 100
/// (goal: median < 1 ms).
pub async fn target_groups(addr: SocketAddr, plan: &ChecksPlan) -> Result<Vec<Value>, BoxError> {
    progress(&format!(
        "checks: DescribeTargetGroups with {} groups",
        plan.target_groups
    ));
    reset(addr).await?;
    let bb = b();
    let made = run_load(
        addr,
        16,
        plan.target_groups,
        Duration::from_secs(600),
        Arc::new(move |i| {
            bb.query(
                "CreateTargetGroup",
                &[
                    ("Name", &format!("tgs-{i}")),
                    ("Protocol", "HTTP"),
                    ("Port", "80"),
                    ("VpcId", "vpc-0bench00000000000"),
                ],
            )
        }),
    )
    .await?;
    if made.non_200 + made.transport_errors > 0 {
        return Err(format!("CreateTargetGroup: {:?}", made.first_failure).into());
    }
    let mut out = Vec::new();
    for (label, req) in [
        ("default page (400)", b().query("DescribeTargetGroups", &[])),
        (
            "PageSize 100",
            b().query("DescribeTargetGroups", &[("PageSize", "100")]),
        ),
    ] {
        let lat = latencies(addr, &req, plan.repeats).await?;
        out.push(latency_line(
            "describe_target_groups",
            json!(format!("{} groups, {label}", plan.target_groups)),
            &lat,
            1_000,
        ));
    }
    Ok(out)
}

/// ListTaskDefinitions with `revisions` revisions of one family: the first page (100)
/// (goal: median < 1 ms).
pub async fn task_definitions(addr: SocketAddr, plan: &ChecksPlan) -> Result<Value, BoxError> {
    progress(&format!(
        "checks: ListTaskDefinitions with {} revisions",
        plan.revisions
    ));
    reset(addr).await?;
    let bb = b();
    let made = run_load(
        addr,
        16,
        plan.revisions,
        Duration::from_secs(600),
        Arc::new(move |_| {
            bb.json(
                Service::Ecs,
                "RegisterTaskDefinition",
                &Json::obj([
                    ("family", Json::str("revs")),
                    (
                        "containerDefinitions",
                        Json::Arr(vec![Json::obj([
                            ("name", Json::str("app")),
                            ("image", Json::str("nginx:latest")),
                            ("memory", Json::Int(128)),
                        ])]),
                    ),
                ]),
            )
        }),
    )
    .await?;
    if made.non_200 + made.transport_errors > 0 {
        return Err(format!("RegisterTaskDefinition: {:?}", made.first_failure).into());
    }
    let req = b().json(Service::Ecs, "ListTaskDefinitions", &Json::obj::<&str>([]));
    let lat = latencies(addr, &req, plan.repeats).await?;
    Ok(latency_line(
        "list_task_definitions",
        json!(format!("{} revisions, first page (100)", plan.revisions)),
        &lat,
        1_000,
    ))
}

/// Creates `services` FARGATE services of `tasks` tasks each in `cluster` (no load balancer)
/// and advances the clock until they run; returns the running-task count seen.
async fn running_fleet(
    addr: SocketAddr,
    cluster: &str,
    services: usize,
    tasks: usize,
) -> Result<(Vec<String>, usize), BoxError> {
    let mut c = Conn::connect(addr).await?;
    call(
        &mut c,
        &b().json(
            Service::Ecs,
            "CreateCluster",
            &Json::obj([("clusterName", Json::str(cluster))]),
        ),
    )
    .await?;
    let td = register_task_definition(&mut c, &format!("{cluster}-task"), "my-app:v1").await?;
    let names: Vec<String> = (0..services).map(|i| format!("s-{i}")).collect();
    let shared = Arc::new((cluster.to_owned(), td, names.clone()));
    parallel(addr, services, WORKERS, move |mut c, i| {
        let s = shared.clone();
        async move {
            let req = b().json(
                Service::Ecs,
                "CreateService",
                &Json::obj([
                    ("cluster", Json::str(&s.0)),
                    ("serviceName", Json::str(&s.2[i])),
                    ("taskDefinition", Json::str(&s.1)),
                    ("desiredCount", Json::Int(tasks as i64)),
                    ("launchType", Json::str("FARGATE")),
                    ("networkConfiguration", network()),
                ]),
            );
            let r = call(&mut c, &req).await.map(|_| ());
            (c, r)
        }
    })
    .await?;
    advance(&mut c, 120.0).await?;
    let mut running = 0usize;
    for chunk in names.chunks(10) {
        let body = call(&mut c, &describe_services(cluster, chunk)).await?;
        let v: Value = serde_json::from_slice(&body)?;
        for s in v["services"].as_array().into_iter().flatten() {
            running += s["runningCount"].as_u64().unwrap_or(0) as usize;
        }
    }
    Ok((names, running))
}

fn describe_services(cluster: &str, names: &[String]) -> WireRequest {
    b().json(
        Service::Ecs,
        "DescribeServices",
        &Json::obj([
            ("cluster", Json::str(cluster)),
            ("services", Json::strs(names.iter().map(String::as_str))),
        ]),
    )
}

/// DescribeServices of `services` services with `tasks_per_service` running tasks each
/// (goal: median < 1 ms).
pub async fn describe_services_check(
    addr: SocketAddr,
    plan: &ChecksPlan,
) -> Result<Value, BoxError> {
    progress(&format!(
        "checks: DescribeServices of {} services x {} tasks",
        plan.services, plan.tasks_per_service
    ));
    reset(addr).await?;
    let (names, running) =
        running_fleet(addr, "desc", plan.services.min(10), plan.tasks_per_service).await?;
    let req = describe_services("desc", &names);
    let lat = latencies(addr, &req, plan.repeats).await?;
    let mut line = latency_line(
        "describe_services",
        json!(format!(
            "{} services x {} tasks ({running} running)",
            names.len(),
            plan.tasks_per_service
        )),
        &lat,
        1_000,
    );
    line["running_tasks"] = json!(running);
    Ok(line)
}

/// Resident memory with `running_tasks` running tasks (services of `tasks_per_service`)
/// (goal: < 50 MB for 10,000). Run it on a fresh process: RSS does not shrink after a reset.
pub async fn running_tasks_memory(
    addr: SocketAddr,
    plan: &ChecksPlan,
    rss: &dyn Fn() -> Option<u64>,
) -> Result<Value, BoxError> {
    progress(&format!("checks: {} running tasks", plan.running_tasks));
    reset(addr).await?;
    let before = rss_now(rss);
    let per = plan.tasks_per_service.max(1);
    let services = plan.running_tasks.div_ceil(per);
    let t0 = Instant::now();
    let (_, running) = running_fleet(addr, "mem", services, per).await?;
    let wall = t0.elapsed().as_secs_f64();
    let after = rss_now(rss);
    let mib = after.map(|k| round2(k as f64 / 1024.0));
    Ok(json!({
        "measurement": "issue_check",
        "name": "memory_running_tasks",
        "setup": format!("{services} services x {per} FARGATE tasks, 120 s advanced"),
        "running_tasks": running,
        "rss_before_kib": before,
        "rss_after_kib": after,
        "rss_mib": mib,
        "delta_bytes_per_task": before.zip(after).map(|(x, y)| (y.saturating_sub(x) * 1024) / running.max(1) as u64),
        "wall_s": round2(wall),
        "goal": "RSS < 50 MB (50,000,000 bytes) with 10,000 running tasks",
        "met": after.map(|k| k * 1024 < 50_000_000 && running >= plan.running_tasks),
    }))
}

/// Every check against one server, each from a reset state (memory figures are only meaningful
/// on a fresh process: see [`run_checks`]).
pub async fn checks_on(
    addr: SocketAddr,
    plan: &ChecksPlan,
    rss: &dyn Fn() -> Option<u64>,
    rep: &mut Reporter,
) -> Result<(), BoxError> {
    rep.push(list_clusters_rtt(addr, plan).await?);
    for v in targets(addr, plan, rss).await? {
        rep.push(v);
    }
    for v in target_groups(addr, plan).await? {
        rep.push(v);
    }
    rep.push(task_definitions(addr, plan).await?);
    rep.push(describe_services_check(addr, plan).await?);
    rep.push(running_tasks_memory(addr, plan, rss).await?);
    Ok(())
}

/// `cutover-bench checks`: start-up and idle RSS over fresh processes, then the memory checks
/// each on a fresh process, then the latency checks.
pub async fn run_checks(
    bin: &Path,
    rust_log: Option<&str>,
    plan: &ChecksPlan,
    rep: &mut Reporter,
) -> Result<(), BoxError> {
    progress(&format!("checks: start-up, {} runs", plan.startup_runs));
    let mut runs = Vec::new();
    let mut idle = Vec::new();
    for _ in 0..plan.startup_runs.max(1) {
        let s = procs::spawn_cutover(bin, rust_log).await?;
        runs.push(s.startup);
        if idle.len() < 3 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            idle.extend(s.rss_kib());
        }
        s.stop().await;
    }
    let mut line = startup_line("cutover", runs);
    line["goal"] = json!("median < 20 ms");
    line["met"] = json!(line["median_ms"].as_f64().is_some_and(|m| m < 20.0));
    rep.push(line);
    idle.sort_unstable();
    let mut line = memory_line("cutover", "idle", idle.get(idle.len() / 2).copied());
    line["goal"] = json!("< 10 MiB");
    line["met"] = json!(line["rss_mib"].as_f64().is_some_and(|m| m < 10.0));
    rep.push(line);

    let s = procs::spawn_cutover(bin, rust_log).await?;
    let r = running_tasks_memory(s.addr, plan, &|| s.rss_kib()).await;
    s.stop().await;
    rep.push(r?);

    let s = procs::spawn_cutover(bin, rust_log).await?;
    let r = targets(s.addr, plan, &|| s.rss_kib()).await;
    s.stop().await;
    for v in r? {
        rep.push(v);
    }

    let s = procs::spawn_cutover(bin, rust_log).await?;
    let r = async {
        rep.push(list_clusters_rtt(s.addr, plan).await?);
        for v in target_groups(s.addr, plan).await? {
            rep.push(v);
        }
        rep.push(task_definitions(s.addr, plan).await?);
        rep.push(describe_services_check(s.addr, plan).await?);
        Ok::<_, BoxError>(())
    }
    .await;
    s.stop().await;
    r
}

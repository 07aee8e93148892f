//! The measurements of issue 7: client ceiling, start-up time, resident memory, throughput and
//! latency (reads and a mixed ECS/ELBv2/CodeDeploy workload), page cost at scale, the moto
//! comparison, and the verdict against the targets. Every result is one JSON object (a line).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::client::{run_load, BoxError, Conn, Generator, LoadResult};
use crate::deploy;
use crate::procs::{self, Ceiling, Spawned};
use crate::wire::{Builder, Flavor, Json, Service, WireRequest};

/// How much work each measurement does. Every loop is bounded by a count and a time limit.
#[derive(Debug, Clone)]
pub struct Plan {
    pub quick: bool,
    pub reads_c1: usize,
    pub reads_c16: usize,
    pub mix_c1: usize,
    pub mix_c16: usize,
    /// Wall-clock limit of one load run.
    pub max_run: Duration,
    pub scale_sizes: Vec<usize>,
    pub first_page_repeats: usize,
    pub startup_runs: usize,
    pub moto_startup_runs: usize,
    pub moto_rounds: usize,
    pub moto_max_run: Duration,
    /// Deployment throughput: services, and rounds of one deployment per service.
    pub deploy_services: usize,
    pub deploy_rounds: usize,
    /// Sequential single deployments timed (issue 5's < 20 ms figure).
    pub single_deploy_runs: usize,
    /// Services the ListDeployments scale fill spreads its deployments over.
    pub list_deploy_services: usize,
}

impl Plan {
    pub fn full() -> Plan {
        Plan {
            quick: false,
            reads_c1: 20_000,
            reads_c16: 100_000,
            mix_c1: 20_000,
            mix_c16: 60_000,
            max_run: Duration::from_secs(8),
            scale_sizes: vec![1_000, 10_000],
            first_page_repeats: 300,
            startup_runs: 21,
            moto_startup_runs: 3,
            moto_rounds: 3,
            moto_max_run: Duration::from_secs(3),
            deploy_services: 100,
            deploy_rounds: 5,
            single_deploy_runs: 21,
            list_deploy_services: 100,
        }
    }

    /// A smoke run: a few hundred requests per part.
    pub fn quick() -> Plan {
        Plan {
            quick: true,
            reads_c1: 100,
            reads_c16: 200,
            mix_c1: 90,
            mix_c16: 180,
            max_run: Duration::from_secs(10),
            scale_sizes: vec![20, 100],
            first_page_repeats: 10,
            startup_runs: 3,
            moto_startup_runs: 1,
            moto_rounds: 1,
            moto_max_run: Duration::from_secs(2),
            deploy_services: 3,
            deploy_rounds: 2,
            single_deploy_runs: 3,
            list_deploy_services: 10,
        }
    }
}

/// Collects result lines; optionally prints each as it comes (JSON lines on stdout).
#[derive(Debug, Default)]
pub struct Reporter {
    pub lines: Vec<Value>,
    pub echo: bool,
}

impl Reporter {
    pub fn push(&mut self, v: Value) {
        if self.echo {
            println!("{v}");
        }
        self.lines.push(v);
    }

    fn find(&self, pred: impl Fn(&Value) -> bool) -> Option<&Value> {
        self.lines.iter().find(|v| pred(v))
    }
}

pub fn progress(msg: &str) {
    eprintln!("[cutover-bench] {msg}");
}

pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn throughput_line(server: &str, workload: &str, r: &LoadResult) -> Value {
    json!({
        "measurement": "throughput",
        "server": server,
        "workload": workload,
        "concurrency": r.concurrency,
        "requests": r.requests,
        "non_200": r.non_200,
        "transport_errors": r.transport_errors,
        "elapsed_s": (r.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        "rps": r.rps().round() as u64,
        "p50_us": r.percentile_us(0.50),
        "p99_us": r.percentile_us(0.99),
        "first_failure": r.first_failure,
    })
}

/// The read workload: ECS `ListClusters`, as the Rust SDK sends it.
pub fn reads() -> Generator {
    let req =
        Builder::new(Flavor::RustSdk).json(Service::Ecs, "ListClusters", &Json::obj::<&str>([]));
    Arc::new(move |_| req.clone())
}

const MIX_KEYS: usize = 16;
const VPC: &str = "vpc-0bench00000000000";

/// The mixed workload, a cycle of nine calls: ECS CreateCluster / DescribeClusters /
/// ListClusters, ELBv2 CreateTargetGroup / DescribeTargetGroups (by name) / DescribeTargetGroups
/// (a page), CodeDeploy CreateApplication (a new name each time) / GetApplication /
/// ListApplications. Creates of clusters and target groups repeat identical calls (idempotent,
/// as on AWS); `seed_mix` makes every describe/get hit.
pub fn mix(tag: &str) -> Generator {
    let b = Builder::new(Flavor::RustSdk);
    let mut fixed: Vec<Vec<WireRequest>> = Vec::new();
    for k in 0..MIX_KEYS {
        let name = format!("mix-{k}");
        let port = "80".to_owned();
        fixed.push(vec![
            b.json(
                Service::Ecs,
                "CreateCluster",
                &Json::obj([("clusterName", Json::str(&name))]),
            ),
            b.json(
                Service::Ecs,
                "DescribeClusters",
                &Json::obj([("clusters", Json::strs([name.as_str()]))]),
            ),
            b.json(Service::Ecs, "ListClusters", &Json::obj::<&str>([])),
            b.query(
                "CreateTargetGroup",
                &[
                    ("Name", &name),
                    ("Protocol", "HTTP"),
                    ("Port", &port),
                    ("VpcId", VPC),
                ],
            ),
            b.query("DescribeTargetGroups", &[("Names.member.1", &name)]),
            b.query("DescribeTargetGroups", &[("PageSize", "20")]),
            // slot 6 (CreateApplication) is built per request
            b.json(Service::Ecs, "ListClusters", &Json::obj::<&str>([])),
            b.json(
                Service::CodeDeploy,
                "GetApplication",
                &Json::obj([("applicationName", Json::str(format!("mix-seed-{k}")))]),
            ),
            b.json(
                Service::CodeDeploy,
                "ListApplications",
                &Json::obj::<&str>([]),
            ),
        ]);
    }
    let tag = tag.to_owned();
    Arc::new(move |i| {
        let slot = i % 9;
        let k = (i / 9) % MIX_KEYS;
        if slot == 6 {
            b.json(
                Service::CodeDeploy,
                "CreateApplication",
                &Json::obj([
                    ("applicationName", Json::str(format!("mix-{tag}-{i}"))),
                    ("computePlatform", Json::str("ECS")),
                ]),
            )
        } else {
            fixed[k][slot].clone()
        }
    })
}

/// Creates what the mix's describe/get calls look up. Answers are not checked (a second seeding
/// of the same server gets ApplicationAlreadyExists, which is fine).
pub async fn seed_mix(addr: SocketAddr) -> Result<(), BoxError> {
    let b = Builder::new(Flavor::RustSdk);
    let mut c = Conn::connect(addr).await?;
    for k in 0..MIX_KEYS {
        let name = format!("mix-{k}");
        c.send(&b.json(
            Service::Ecs,
            "CreateCluster",
            &Json::obj([("clusterName", Json::str(&name))]),
        ))
        .await?;
        c.send(&b.query(
            "CreateTargetGroup",
            &[
                ("Name", &name),
                ("Protocol", "HTTP"),
                ("Port", "80"),
                ("VpcId", VPC),
            ],
        ))
        .await?;
        c.send(&b.json(
            Service::CodeDeploy,
            "CreateApplication",
            &Json::obj([
                ("applicationName", Json::str(format!("mix-seed-{k}"))),
                ("computePlatform", Json::str("ECS")),
            ]),
        ))
        .await?;
    }
    Ok(())
}

/// A load run preceded by a discarded warm-up of a tenth of its size.
async fn measured(
    addr: SocketAddr,
    concurrency: usize,
    total: usize,
    max: Duration,
    make: Generator,
) -> Result<LoadResult, BoxError> {
    run_load(addr, concurrency, (total / 10).max(1), max, make.clone()).await?;
    run_load(addr, concurrency, total, max, make).await
}

/// The client's ceiling: the same read requests against a bare axum server.
pub async fn ceiling(plan: &Plan, rep: &mut Reporter) -> Result<(), BoxError> {
    progress("client ceiling (bare axum server)");
    let server = Ceiling::start()?;
    for (c, n) in [(1, plan.reads_c1), (16, plan.reads_c16)] {
        let r = measured(server.addr, c, n, plan.max_run, reads()).await?;
        rep.push(throughput_line("ceiling", "fixed-body", &r));
    }
    Ok(())
}

/// Throughput and latency of reads and the mix, at concurrency 1 and 16.
pub async fn throughput(addr: SocketAddr, plan: &Plan, rep: &mut Reporter) -> Result<(), BoxError> {
    for (c, n) in [(1, plan.reads_c1), (16, plan.reads_c16)] {
        progress(&format!("reads, concurrency {c}"));
        let r = measured(addr, c, n, plan.max_run, reads()).await?;
        rep.push(throughput_line("cutover", "reads", &r));
    }
    seed_mix(addr).await?;
    for (c, n) in [(1, plan.mix_c1), (16, plan.mix_c16)] {
        progress(&format!("mix, concurrency {c}"));
        let tag = format!("c{c}");
        // The warm-up gets its own names so CreateApplication never repeats one.
        run_load(
            addr,
            c,
            (n / 10).max(1),
            plan.max_run,
            mix(&format!("{tag}w")),
        )
        .await?;
        let r = run_load(addr, c, n, plan.max_run, mix(&tag)).await?;
        rep.push(throughput_line("cutover", "mix", &r));
    }
    Ok(())
}

/// Deployment figures: the wall time of one full linear deployment with no hooks (issue 5: under
/// 20 ms under the manual clock), then complete blue/green deployments per second over a fleet
/// (create, advance, GetDeployment reads Succeeded). Both start from a reset state.
pub async fn deployments(
    addr: SocketAddr,
    plan: &Plan,
    rep: &mut Reporter,
) -> Result<(), BoxError> {
    progress(&format!(
        "deployments: {} single linear deployments",
        plan.single_deploy_runs
    ));
    rep.push(deploy::single_deployment(addr, plan.single_deploy_runs).await?);
    progress(&format!(
        "deployments: throughput, {} services x {} rounds",
        plan.deploy_services, plan.deploy_rounds
    ));
    rep.push(deploy::throughput(addr, plan.deploy_services, plan.deploy_rounds).await?);
    Ok(())
}

/// One paginated operation for the scale measurement.
struct Paged {
    name: &'static str,
    create: fn(&Builder, usize) -> WireRequest,
    page: fn(&Builder, Option<&str>) -> WireRequest,
    token: fn(&[u8]) -> Option<String>,
}

fn json_token(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v["nextToken"].as_str().map(str::to_owned)
}

fn xml_token(body: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(body).ok()?;
    let start = s.find("<NextMarker>")? + "<NextMarker>".len();
    let end = start + s[start..].find("</NextMarker>")?;
    Some(
        s[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

fn paged_operations() -> Vec<Paged> {
    vec![
        Paged {
            name: "ListTaskDefinitions",
            create: |b, _| {
                b.json(
                    Service::Ecs,
                    "RegisterTaskDefinition",
                    &Json::obj([
                        ("family", Json::str("scale")),
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
            },
            page: |b, token| {
                let mut m = vec![("maxResults", Json::Int(100))];
                if let Some(t) = token {
                    m.push(("nextToken", Json::str(t)));
                }
                b.json(Service::Ecs, "ListTaskDefinitions", &Json::obj(m))
            },
            token: json_token,
        },
        Paged {
            name: "DescribeTargetGroups",
            create: |b, i| {
                let name = format!("scale-{i}");
                b.query(
                    "CreateTargetGroup",
                    &[
                        ("Name", &name),
                        ("Protocol", "HTTP"),
                        ("Port", "80"),
                        ("VpcId", VPC),
                    ],
                )
            },
            page: |b, token| match token {
                Some(t) => b.query(
                    "DescribeTargetGroups",
                    &[("Marker", t), ("PageSize", "100")],
                ),
                None => b.query("DescribeTargetGroups", &[("PageSize", "100")]),
            },
            token: xml_token,
        },
        Paged {
            name: "ListApplications",
            create: |b, i| {
                b.json(
                    Service::CodeDeploy,
                    "CreateApplication",
                    &Json::obj([
                        ("applicationName", Json::str(format!("scale-{i}"))),
                        ("computePlatform", Json::str("ECS")),
                    ]),
                )
            },
            page: |b, token| match token {
                Some(t) => b.json(
                    Service::CodeDeploy,
                    "ListApplications",
                    &Json::obj([("nextToken", Json::str(t))]),
                ),
                None => b.json(
                    Service::CodeDeploy,
                    "ListApplications",
                    &Json::obj::<&str>([]),
                ),
            },
            token: json_token,
        },
    ]
}

pub async fn reset(addr: SocketAddr) -> Result<(), BoxError> {
    let mut c = Conn::connect(addr).await?;
    let (status, body) = c.plain("POST", "/_cutover/reset", "").await?;
    if status != 200 {
        return Err(format!("reset: {status} {}", String::from_utf8_lossy(&body)).into());
    }
    Ok(())
}

/// Page latencies: the first page `repeats` times, then a walk over every page (bounded by
/// `n / 100 + 10` pages).
struct PageTimes {
    first: Vec<u32>,
    walk: Vec<u32>,
    non_200: usize,
}

async fn page_times(
    addr: SocketAddr,
    page: &dyn Fn(Option<&str>) -> WireRequest,
    token: fn(&[u8]) -> Option<String>,
    repeats: usize,
    n: usize,
) -> Result<PageTimes, BoxError> {
    let mut conn = Conn::connect(addr).await?;
    let mut non_200 = 0usize;
    let first = page(None);
    let mut first_lat = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let t = Instant::now();
        let (status, _) = conn.send(&first).await?;
        first_lat.push(t.elapsed().as_micros() as u32);
        non_200 += usize::from(status != 200);
    }
    let mut walk_lat = Vec::new();
    let mut tok: Option<String> = None;
    loop {
        let req = page(tok.as_deref());
        let t = Instant::now();
        let (status, body) = conn.send(&req).await?;
        walk_lat.push(t.elapsed().as_micros() as u32);
        if status != 200 {
            non_200 += 1;
            break;
        }
        tok = token(&body);
        if tok.is_none() || walk_lat.len() > n / 100 + 10 {
            break;
        }
    }
    first_lat.sort_unstable();
    walk_lat.sort_unstable();
    Ok(PageTimes {
        first: first_lat,
        walk: walk_lat,
        non_200,
    })
}

fn page_line(op: &str, n: usize, create_s: f64, create_non_200: usize, t: &PageTimes) -> Value {
    json!({
        "measurement": "page_cost",
        "server": "cutover",
        "status": "ok",
        "operation": op,
        "resources": n,
        "page_size": 100,
        "create_s": round2(create_s),
        "create_non_200": create_non_200,
        "first_page_repeats": t.first.len(),
        "first_page_p50_us": crate::client::percentile(&t.first, 0.5),
        "first_page_p99_us": crate::client::percentile(&t.first, 0.99),
        "walk_pages": t.walk.len(),
        "walk_p50_us": crate::client::percentile(&t.walk, 0.5),
        "walk_p99_us": crate::client::percentile(&t.walk, 0.99),
        "non_200": t.non_200 + create_non_200,
    })
}

fn list_deployments(b: &Builder, group: Option<(&str, &str)>, token: Option<&str>) -> WireRequest {
    let mut m = Vec::new();
    if let Some((app, g)) = group {
        m.push(("applicationName", Json::str(app)));
        m.push(("deploymentGroupName", Json::str(g)));
    }
    if let Some(t) = token {
        m.push(("nextToken", Json::str(t)));
    }
    b.json(Service::CodeDeploy, "ListDeployments", &Json::obj(m))
}

/// Time per page with N resources: the first page repeated, and a walk over every page.
/// `ListDeployments` needs N *completed* deployments: `Plan::list_deploy_services` services each
/// get N / that many all-at-once deployments in rounds, every round advanced to completion. Its
/// page cost is measured unfiltered (the flatness figure) and for one deployment group
/// (informational: that group holds N / services deployments, so its page grows with N).
pub async fn scale(addr: SocketAddr, plan: &Plan, rep: &mut Reporter) -> Result<(), BoxError> {
    let b = Builder::new(Flavor::RustSdk);
    let ops = paged_operations();
    // (operation, size) -> (first-page p50, walk p50)
    let mut seen: Vec<(&'static str, usize, u32, u32)> = Vec::new();
    for &n in &plan.scale_sizes {
        reset(addr).await?;
        for op in &ops {
            progress(&format!("scale: {} with {n} resources", op.name));
            let bb = b.clone();
            let create = op.create;
            let t0 = Instant::now();
            let made = run_load(
                addr,
                16,
                n,
                Duration::from_secs(600),
                Arc::new(move |i| create(&bb, i)),
            )
            .await?;
            let create_s = t0.elapsed().as_secs_f64();
            let page = op.page;
            let pb = b.clone();
            let t = page_times(
                addr,
                &move |tok| page(&pb, tok),
                op.token,
                plan.first_page_repeats,
                n,
            )
            .await?;
            let line = page_line(
                op.name,
                n,
                create_s,
                made.non_200 + made.transport_errors,
                &t,
            );
            seen.push((
                op.name,
                n,
                crate::client::percentile(&t.first, 0.5),
                crate::client::percentile(&t.walk, 0.5),
            ));
            rep.push(line);
        }
        progress(&format!(
            "scale: ListDeployments with {n} completed deployments over {} services",
            plan.list_deploy_services.min(n)
        ));
        let t0 = Instant::now();
        let filled =
            deploy::fill_deployments(addr, &format!("ld{n}"), n, plan.list_deploy_services).await?;
        let (fleet, made) = (filled.fleet.clone(), filled.made);
        let create_s = t0.elapsed().as_secs_f64();
        let pb = b.clone();
        let t = page_times(
            addr,
            &move |tok| list_deployments(&pb, None, tok),
            json_token,
            plan.first_page_repeats,
            made,
        )
        .await?;
        let mut line = page_line("ListDeployments", made, create_s, 0, &t);
        line["services"] = json!(fleet.services);
        line["fill_first_round"] = deploy::Filled::round_json(&filled.first_round);
        line["fill_last_round"] = deploy::Filled::round_json(&filled.last_round);
        seen.push((
            "ListDeployments",
            n,
            crate::client::percentile(&t.first, 0.5),
            crate::client::percentile(&t.walk, 0.5),
        ));
        rep.push(line);
        let (app, group) = (fleet.application(), fleet.group(0));
        let pb = b.clone();
        let t = page_times(
            addr,
            &move |tok| list_deployments(&pb, Some((&app, &group)), tok),
            json_token,
            plan.first_page_repeats,
            made,
        )
        .await?;
        let mut line = page_line("ListDeployments(one group)", made, create_s, 0, &t);
        line["group_deployments"] = json!(made / fleet.services.max(1));
        line["informational"] = json!(true);
        rep.push(line);
    }
    if let (Some(&small), Some(&large)) = (plan.scale_sizes.first(), plan.scale_sizes.last()) {
        let names = ops
            .iter()
            .map(|o| o.name)
            .chain(std::iter::once("ListDeployments"));
        for name in names {
            let get = |n: usize| seen.iter().find(|s| s.0 == name && s.1 == n).copied();
            if let (Some(a), Some(z)) = (get(small), get(large)) {
                let ratio = |x: u32, y: u32| round2(f64::from(y) / f64::from(x.max(1)));
                rep.push(json!({
                    "measurement": "page_cost_flatness",
                    "server": "cutover",
                    "operation": name,
                    "small": small,
                    "large": large,
                    "first_page_ratio": ratio(a.2, z.2),
                    "walk_ratio": ratio(a.3, z.3),
                }));
            }
        }
    }
    Ok(())
}

pub fn memory_line(server: &str, phase: &str, kib: Option<u64>) -> Value {
    json!({
        "measurement": "memory",
        "server": server,
        "phase": phase,
        "rss_kib": kib,
        "rss_mib": kib.map(|k| round2(k as f64 / 1024.0)),
    })
}

fn median_ms(v: &mut [Duration]) -> f64 {
    v.sort_unstable();
    v.get(v.len() / 2)
        .map(|d| round2(d.as_secs_f64() * 1000.0))
        .unwrap_or(0.0)
}

pub fn startup_line(server: &str, mut runs: Vec<Duration>) -> Value {
    let min = runs.iter().min().copied().unwrap_or_default();
    let max = runs.iter().max().copied().unwrap_or_default();
    json!({
        "measurement": "startup",
        "server": server,
        "runs": runs.len(),
        "median_ms": median_ms(&mut runs),
        "min_ms": round2(min.as_secs_f64() * 1000.0),
        "max_ms": round2(max.as_secs_f64() * 1000.0),
    })
}

/// Options of a full run against spawned servers.
#[derive(Debug, Clone)]
pub struct Options {
    pub cutover_bin: PathBuf,
    pub compare_moto: bool,
    /// `RUST_LOG` for the spawned cutover (its default is `info`: one log line per call).
    pub rust_log: Option<String>,
}

/// Everything, against the `cutover` binary (and moto's server with `--compare moto`).
pub async fn run_full(opts: &Options, plan: &Plan, rep: &mut Reporter) -> Result<(), BoxError> {
    ceiling(plan, rep).await?;
    progress(&format!("start-up: {} runs", plan.startup_runs));
    let mut runs = Vec::new();
    for _ in 0..plan.startup_runs {
        let s = procs::spawn_cutover(&opts.cutover_bin, opts.rust_log.as_deref()).await?;
        runs.push(s.startup);
        s.stop().await;
    }
    rep.push(startup_line("cutover", runs));
    let server = procs::spawn_cutover(&opts.cutover_bin, opts.rust_log.as_deref()).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    rep.push(memory_line("cutover", "idle", server.rss_kib()));
    throughput(server.addr, plan, rep).await?;
    deployments(server.addr, plan, rep).await?;
    scale(server.addr, plan, rep).await?;
    rep.push(memory_line("cutover", "after_scale", server.rss_kib()));
    let compared = if opts.compare_moto {
        compare_moto(&server, plan, rep).await
    } else {
        Ok(())
    };
    server.stop().await;
    compared?;
    targets(rep);
    Ok(())
}

/// The smoke/in-process variant: everything that needs no process of its own.
pub async fn run_in_process(
    addr: SocketAddr,
    plan: &Plan,
    rep: &mut Reporter,
) -> Result<(), BoxError> {
    ceiling(plan, rep).await?;
    throughput(addr, plan, rep).await?;
    deployments(addr, plan, rep).await?;
    scale(addr, plan, rep).await?;
    targets(rep);
    Ok(())
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

fn median_f(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// moto's server against cutover: start-up, idle memory, and the read workload in alternation.
pub async fn compare_moto(
    cutover: &Spawned,
    plan: &Plan,
    rep: &mut Reporter,
) -> Result<(), BoxError> {
    let bin = procs::ensure_moto()?;
    progress(&format!("moto: {}", bin.display()));
    let mut runs = Vec::new();
    let mut moto = None;
    for i in 0..plan.moto_startup_runs.max(1) {
        let s = procs::spawn_moto(&bin).await?;
        runs.push(s.startup);
        if i + 1 == plan.moto_startup_runs.max(1) {
            moto = Some(s);
        } else {
            s.stop().await;
        }
    }
    let moto = moto.ok_or("moto did not start")?;
    rep.push(startup_line("moto", runs));
    tokio::time::sleep(Duration::from_millis(200)).await;
    rep.push(memory_line("moto", "idle", moto.rss_kib()));
    reset(cutover.addr).await?;
    let mut rps: [[Vec<f64>; 2]; 2] = Default::default();
    let mut p99: [[Vec<f64>; 2]; 2] = Default::default();
    for round in 0..plan.moto_rounds {
        for (ci, (c, n)) in [(1usize, plan.reads_c1), (16, plan.reads_c16)]
            .into_iter()
            .enumerate()
        {
            for (si, (name, addr)) in [("cutover", cutover.addr), ("moto", moto.addr)]
                .into_iter()
                .enumerate()
            {
                progress(&format!("compare round {round}: {name} reads c{c}"));
                let r = measured(addr, c, n, plan.moto_max_run, reads()).await?;
                rps[si][ci].push(r.rps());
                p99[si][ci].push(f64::from(r.percentile_us(0.99)));
                let mut line = throughput_line(name, "reads", &r);
                line["phase"] = json!("compare");
                line["round"] = json!(round);
                rep.push(line);
            }
        }
    }
    for (ci, c) in [1, 16].into_iter().enumerate() {
        let (a, m) = (median_f(rps[0][ci].clone()), median_f(rps[1][ci].clone()));
        rep.push(json!({
            "measurement": "compare",
            "metric": format!("reads_rps_c{c}"),
            "cutover": a.round() as u64, "moto": m.round() as u64,
            "ratio": round2(a / m.max(1e-9)),
            "better": "higher",
        }));
        let (a, m) = (median_f(p99[0][ci].clone()), median_f(p99[1][ci].clone()));
        rep.push(json!({
            "measurement": "compare",
            "metric": format!("reads_p99_us_c{c}"),
            "cutover": a, "moto": m,
            "ratio": round2(m / a.max(1e-9)),
            "better": "lower (ratio = moto / cutover)",
        }));
    }
    let startup = |s: &str| {
        rep.find(|v| v["measurement"] == "startup" && v["server"] == s)
            .and_then(|v| v["median_ms"].as_f64())
    };
    if let (Some(a), Some(m)) = (startup("cutover"), startup("moto")) {
        rep.push(json!({
            "measurement": "compare", "metric": "startup_ms",
            "cutover": a, "moto": m, "ratio": round2(m / a.max(1e-9)),
            "better": "lower (ratio = moto / cutover)",
        }));
    }
    let idle = |s: &str| {
        rep.find(|v| v["measurement"] == "memory" && v["server"] == s && v["phase"] == "idle")
            .and_then(|v| v["rss_mib"].as_f64())
    };
    if let (Some(a), Some(m)) = (idle("cutover"), idle("moto")) {
        rep.push(json!({
            "measurement": "compare", "metric": "idle_rss_mib",
            "cutover": a, "moto": m, "ratio": round2(m / a.max(1e-9)),
            "better": "lower (ratio = moto / cutover)",
        }));
    }
    moto.stop().await;
    Ok(())
}

/// The verdict against issue 7's targets, from the lines already measured.
pub fn targets(rep: &mut Reporter) {
    let tp = |server: &str, workload: &str, c: u64| {
        rep.find(|v| {
            v["measurement"] == "throughput"
                && v["server"] == server
                && v["workload"] == workload
                && v["concurrency"] == c
                && v.get("phase").is_none()
        })
        .cloned()
    };
    let mut out = Vec::new();
    let mut target = |name: &str, goal: String, actual: Option<String>, met: Option<bool>| {
        out.push(json!({
            "measurement": "target",
            "name": name,
            "goal": goal,
            "actual": actual.unwrap_or_else(|| "not measured".into()),
            "met": met,
        }));
    };
    let startup = rep
        .find(|v| v["measurement"] == "startup" && v["server"] == "cutover")
        .and_then(|v| v["median_ms"].as_f64());
    target(
        "startup",
        "< 20 ms".into(),
        startup.map(|s| format!("{s} ms")),
        startup.map(|s| s < 20.0),
    );
    let idle = rep
        .find(|v| v["measurement"] == "memory" && v["server"] == "cutover" && v["phase"] == "idle")
        .and_then(|v| v["rss_mib"].as_f64());
    target(
        "idle_memory",
        "< 10 MiB".into(),
        idle.map(|m| format!("{m} MiB")),
        idle.map(|m| m < 10.0),
    );
    let ceil = tp("ceiling", "fixed-body", 16);
    let reads16 = tp("cutover", "reads", 16);
    let mix16 = tp("cutover", "mix", 16);
    let f = |v: &Option<Value>, k: &str| v.as_ref().and_then(|v| v[k].as_f64());
    let share = |x: Option<f64>, c: Option<f64>| match (x, c) {
        (Some(x), Some(c)) if c > 0.0 => Some(x / c),
        _ => None,
    };
    let s = share(f(&reads16, "rps"), f(&ceil, "rps"));
    target(
        "reads_c16_throughput",
        ">= 50% of the ceiling".into(),
        s.map(|s| format!("{:.0}% of the ceiling", s * 100.0)),
        s.map(|s| s >= 0.5),
    );
    let p = share(f(&reads16, "p99_us"), f(&ceil, "p99_us"));
    target(
        "reads_c16_p99",
        "<= 2x the ceiling's p99".into(),
        p.map(|p| format!("{p:.2}x the ceiling's p99")),
        p.map(|p| p <= 2.0),
    );
    let m = share(f(&mix16, "rps"), f(&ceil, "rps"));
    target(
        "mix_c16_throughput",
        ">= 40% of the ceiling".into(),
        m.map(|m| format!("{:.0}% of the ceiling", m * 100.0)),
        m.map(|m| m >= 0.4),
    );
    let flat: Vec<(String, f64)> = rep
        .lines
        .iter()
        .filter(|v| v["measurement"] == "page_cost_flatness" && v.get("informational").is_none())
        .map(|v| {
            let r = v["first_page_ratio"]
                .as_f64()
                .unwrap_or(0.0)
                .max(v["walk_ratio"].as_f64().unwrap_or(0.0));
            (v["operation"].as_str().unwrap_or("?").to_owned(), r)
        })
        .collect();
    let worst = flat.iter().cloned().max_by(|a, b| a.1.total_cmp(&b.1));
    target(
        "page_cost_flat",
        "page time at the large size <= 1.5x the small size".into(),
        worst.map(|(op, r)| format!("worst {r}x ({op}) of {} operations", flat.len())),
        if flat.is_empty() {
            None
        } else {
            Some(flat.iter().all(|(_, r)| *r <= 1.5))
        },
    );
    let tput = rep
        .find(|v| v["measurement"] == "deployment_throughput")
        .cloned();
    target(
        "deployment_throughput",
        "complete blue/green deployments per second, every one Succeeded".into(),
        tput.as_ref().map(|v| {
            format!(
                "{} deployments/s ({} of {} Succeeded)",
                text(&v["deployments_per_s"]),
                text(&v["succeeded"]),
                text(&v["deployments"])
            )
        }),
        tput.as_ref().map(|v| v["status"] == "ok"),
    );
    let one = rep
        .find(|v| v["measurement"] == "deployment_wall_time")
        .cloned();
    let one_ms = one.as_ref().and_then(|v| v["median_ms"].as_f64());
    target(
        "linear_deployment_wall_time",
        "< 20 ms (ECSLinear10PercentEvery1Minutes, no hooks, manual clock)".into(),
        one_ms.map(|m| format!("median {m} ms")),
        one.as_ref()
            .zip(one_ms)
            .map(|(v, m)| v["status"] == "ok" && m < 20.0),
    );
    for line in out {
        rep.push(line);
    }
}

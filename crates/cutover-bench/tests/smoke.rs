//! A short run of the bench against an in-process server: a few hundred requests per part, every
//! answer 200, every expected result line present. No timing assertions.

use cutover_bench::suite::{run_in_process, Plan, Reporter};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_workload_against_the_server() {
    let server = cutover::start(cutover::Config::for_tests()).await.unwrap();
    let mut rep = Reporter::default();
    run_in_process(server.addr, &Plan::quick(), &mut rep)
        .await
        .unwrap();
    server.stop().await;

    let lines = &rep.lines;
    let of = |m: &str| -> Vec<&Value> { lines.iter().filter(|v| v["measurement"] == m).collect() };

    let tp = of("throughput");
    assert_eq!(tp.len(), 6, "{tp:#?}");
    let mut total = 0;
    for v in &tp {
        for k in [
            "server",
            "workload",
            "concurrency",
            "requests",
            "rps",
            "p50_us",
            "p99_us",
        ] {
            assert!(v.get(k).is_some(), "{k} missing in {v}");
        }
        assert_eq!(v["non_200"], 0, "{v}");
        assert_eq!(v["transport_errors"], 0, "{v}");
        assert!(v["requests"].as_u64().unwrap() > 0, "{v}");
        total += v["requests"].as_u64().unwrap();
    }
    assert!(total >= 500, "{total}");
    for (server, workload) in [
        ("ceiling", "fixed-body"),
        ("cutover", "reads"),
        ("cutover", "mix"),
    ] {
        for c in [1, 16] {
            assert!(
                tp.iter().any(|v| v["server"] == server
                    && v["workload"] == workload
                    && v["concurrency"] == c),
                "{server} {workload} c{c}"
            );
        }
    }

    let pages: Vec<&Value> = of("page_cost")
        .into_iter()
        .filter(|v| v["status"] == "ok")
        .collect();
    // Three operations plus ListDeployments (unfiltered and one group), at two sizes.
    assert_eq!(pages.len(), 10, "{pages:#?}");
    for v in &pages {
        assert_eq!(v["non_200"], 0, "{v}");
        assert_eq!(v["create_non_200"], 0, "{v}");
        for k in [
            "operation",
            "resources",
            "first_page_p50_us",
            "walk_pages",
            "walk_p50_us",
        ] {
            assert!(v.get(k).is_some(), "{k} missing in {v}");
        }
    }
    // 100 resources at 100 a page: one full page (plus, at most, an empty last one).
    assert!(pages
        .iter()
        .any(|v| v["operation"] == "DescribeTargetGroups" && v["resources"] == 100));
    assert_eq!(of("page_cost_flatness").len(), 4);
    // ListDeployments pages over completed deployments (20 and 100 in quick mode).
    for n in [20, 100] {
        assert!(
            pages
                .iter()
                .any(|v| v["operation"] == "ListDeployments" && v["resources"] == n),
            "ListDeployments N={n}"
        );
    }

    // Deployments run to completion: every one Succeeded.
    let d = of("deployment_throughput");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["status"], "ok", "{}", d[0]);
    let plan = Plan::quick();
    let want = plan.deploy_services * plan.deploy_rounds;
    assert_eq!(d[0]["deployments"], want, "{}", d[0]);
    assert_eq!(d[0]["succeeded"], want, "{}", d[0]);
    assert!(d[0]["deployments_per_s"].as_u64().is_some(), "{}", d[0]);
    let one = of("deployment_wall_time");
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["status"], "ok", "{}", one[0]);
    assert_eq!(one[0]["runs"], plan.single_deploy_runs, "{}", one[0]);

    let targets = of("target");
    for name in [
        "startup",
        "idle_memory",
        "reads_c16_throughput",
        "reads_c16_p99",
        "mix_c16_throughput",
        "page_cost_flat",
        "deployment_throughput",
        "linear_deployment_wall_time",
    ] {
        assert!(targets.iter().any(|v| v["name"] == name), "target {name}");
    }
    assert!(!cutover_bench::report::table(lines).is_empty());
}

/// Issue 5's scale check with a handful of services: every deployment Succeeded, its eight
/// lifecycle events in order, all Succeeded, AllowTraffic lasting the nine linear minutes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployment_scale_check_small() {
    let server = cutover::start(cutover::Config::for_tests()).await.unwrap();
    let v = cutover_bench::deploy::scale_check(server.addr, 4, 2)
        .await
        .unwrap();
    server.stop().await;
    assert_eq!(v["status"], "ok", "{v}");
    assert_eq!(v["deployments"], 4, "{v}");
    assert_eq!(v["succeeded"], 4, "{v}");
    assert_eq!(v["lifecycle_problems"], 0, "{v}");
    assert_eq!(v["allow_traffic_s_min"], 540.0, "{v}");
    assert_eq!(v["allow_traffic_s_max"], 540.0, "{v}");
}

/// The per-issue checks at tiny sizes: every line present, every call answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_checks_small() {
    let server = cutover::start(cutover::Config::for_tests()).await.unwrap();
    let mut rep = Reporter::default();
    let plan = cutover_bench::checks::ChecksPlan::quick();
    cutover_bench::checks::checks_on(server.addr, &plan, &|| None, &mut rep)
        .await
        .unwrap();
    server.stop().await;
    let names: Vec<&str> = rep
        .lines
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    for n in [
        "list_clusters_rtt",
        "memory_per_target",
        "describe_target_health",
        "describe_target_groups",
        "list_task_definitions",
        "describe_services",
        "memory_running_tasks",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    let find = |n: &str| rep.lines.iter().find(|v| v["name"] == n).unwrap();
    assert_eq!(
        find("describe_target_health")["described"],
        plan.targets_per_group
    );
    assert_eq!(
        find("describe_target_health")["healthy"],
        plan.targets_per_group
    );
    assert_eq!(
        find("describe_services")["running_tasks"],
        plan.services * plan.tasks_per_service
    );
    assert_eq!(
        find("memory_running_tasks")["running_tasks"],
        plan.running_tasks
    );
    assert!(!cutover_bench::report::table(&rep.lines).is_empty());
}

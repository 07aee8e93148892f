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
    assert_eq!(pages.len(), 6, "{pages:#?}");
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
    assert_eq!(of("page_cost_flatness").len(), 3);

    // Deployments exist on the server but the bench has no deployment workload yet: reported
    // as not measured, never a number.
    let d = of("deployment_throughput");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["status"], "not_measured", "{}", d[0]);

    let targets = of("target");
    for name in [
        "startup",
        "idle_memory",
        "reads_c16_throughput",
        "reads_c16_p99",
        "mix_c16_throughput",
        "page_cost_flat",
        "deployment_throughput",
    ] {
        assert!(targets.iter().any(|v| v["name"] == name), "target {name}");
    }
    assert!(!cutover_bench::report::table(lines).is_empty());
}

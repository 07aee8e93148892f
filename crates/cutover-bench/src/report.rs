//! The readable table: one row per result line, grouped by measurement.

use serde_json::Value;

fn s(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One row (section, subject, figures) for a result line.
fn row(v: &Value) -> (String, String, String) {
    let m = s(&v["measurement"]);
    match m.as_str() {
        "throughput" => {
            let mut subject = format!(
                "{} {} c{}",
                s(&v["server"]),
                s(&v["workload"]),
                s(&v["concurrency"])
            );
            if let Some(r) = v.get("round") {
                subject.push_str(&format!(" (compare round {r})"));
            }
            (
                m,
                subject,
                format!(
                    "{} req/s  p50 {} µs  p99 {} µs  ({} requests, {} non-200)",
                    s(&v["rps"]),
                    s(&v["p50_us"]),
                    s(&v["p99_us"]),
                    s(&v["requests"]),
                    v["non_200"].as_u64().unwrap_or(0)
                        + v["transport_errors"].as_u64().unwrap_or(0)
                ),
            )
        }
        "startup" => (
            m,
            s(&v["server"]),
            format!(
                "median {} ms (min {}, max {}, {} runs)",
                s(&v["median_ms"]),
                s(&v["min_ms"]),
                s(&v["max_ms"]),
                s(&v["runs"])
            ),
        ),
        "memory" => (
            m,
            format!("{} {}", s(&v["server"]), s(&v["phase"])),
            format!("{} MiB RSS", s(&v["rss_mib"])),
        ),
        "page_cost" if v["status"] == "ok" => {
            let mut figures = format!(
                "first page p50 {} µs; walk of {} pages p50 {} µs p99 {} µs (create {} s)",
                s(&v["first_page_p50_us"]),
                s(&v["walk_pages"]),
                s(&v["walk_p50_us"]),
                s(&v["walk_p99_us"]),
                s(&v["create_s"])
            );
            let round = |r: &Value| {
                format!(
                    "{}+{}+{} ms",
                    s(&r["create_ms"]),
                    s(&r["advance_ms"]),
                    s(&r["verify_ms"])
                )
            };
            if let (Some(a), Some(z)) = (v.get("fill_first_round"), v.get("fill_last_round")) {
                if !a.is_null() && !z.is_null() {
                    figures.push_str(&format!(
                        "; fill round of {} (create+advance+verify) first {}, last {}",
                        s(&a["deployments"]),
                        round(a),
                        round(z)
                    ));
                }
            }
            (
                m,
                format!("{} N={}", s(&v["operation"]), s(&v["resources"])),
                figures,
            )
        }
        "page_cost_flatness" => (
            m,
            format!(
                "{} {}→{}",
                s(&v["operation"]),
                s(&v["small"]),
                s(&v["large"])
            ),
            format!(
                "first page x{}, walk x{}",
                s(&v["first_page_ratio"]),
                s(&v["walk_ratio"])
            ),
        ),
        "deployment_throughput" if v.get("deployments_per_s").is_some() => (
            m,
            format!("{} services x {} rounds", s(&v["services"]), s(&v["rounds"])),
            format!(
                "{} deployments/s  ({} of {} Succeeded; {} s: create {} + advance {} + verify {})",
                s(&v["deployments_per_s"]),
                s(&v["succeeded"]),
                s(&v["deployments"]),
                s(&v["wall_s"]),
                s(&v["create_s"]),
                s(&v["advance_s"]),
                s(&v["verify_s"])
            ),
        ),
        "deployment_wall_time" => (
            m,
            "one linear deployment, no hooks".into(),
            format!(
                "median {} ms (min {}, max {}, {} runs; {}; {})",
                s(&v["median_ms"]),
                s(&v["min_ms"]),
                s(&v["max_ms"]),
                s(&v["runs"]),
                s(&v["status"]),
                "create + advance + GetDeployment"
            ),
        ),
        "deployment_scale" => (
            m,
            format!(
                "{} concurrent deployments, {} cluster(s)",
                s(&v["deployments"]),
                s(&v["clusters"])
            ),
            format!(
                "{}: {} Succeeded, {} lifecycle problems, AllowTraffic {}-{} s; wall {} s (create {} + advance {} + status {}), lifecycle check {} s",
                s(&v["status"]),
                s(&v["succeeded"]),
                s(&v["lifecycle_problems"]),
                s(&v["allow_traffic_s_min"]),
                s(&v["allow_traffic_s_max"]),
                s(&v["wall_s"]),
                s(&v["create_s"]),
                s(&v["advance_s"]),
                s(&v["status_s"]),
                s(&v["lifecycle_check_s"])
            ),
        ),
        "issue_check" => {
            let verdict = match v["met"].as_bool() {
                Some(true) => "MET",
                Some(false) => "MISSED",
                None => "info",
            };
            let figures = if v.get("p50_us").is_some() {
                format!("p50 {} µs  p99 {} µs", s(&v["p50_us"]), s(&v["p99_us"]))
            } else if v["name"] == "memory_per_target" {
                format!(
                    "{} bytes/target ({} after 200 s of health checks, advance took {} ms)",
                    s(&v["bytes_per_target"]),
                    s(&v["bytes_per_target_after_checks"]),
                    s(&v["advance_200s_wall_ms"])
                )
            } else {
                format!(
                    "{} MiB RSS with {} running tasks ({} bytes/task over the start)",
                    s(&v["rss_mib"]),
                    s(&v["running_tasks"]),
                    s(&v["delta_bytes_per_task"])
                )
            };
            (
                m,
                format!("{}: {}", s(&v["name"]), s(&v["setup"])),
                format!("{verdict}: {figures} (goal {})", s(&v["goal"])),
            )
        }
        "compare" => (
            m,
            s(&v["metric"]),
            format!(
                "cutover {}  moto {}  ratio {} (better: {})",
                s(&v["cutover"]),
                s(&v["moto"]),
                s(&v["ratio"]),
                s(&v["better"])
            ),
        ),
        "target" => {
            let verdict = match v["met"].as_bool() {
                Some(true) => "MET",
                Some(false) => "MISSED",
                None => "n/a",
            };
            (
                m,
                s(&v["name"]),
                format!("{verdict}: {} (goal {})", s(&v["actual"]), s(&v["goal"])),
            )
        }
        _ => {
            let subject = v.get("operation").map(s).unwrap_or_else(|| s(&v["server"]));
            let status = s(&v["status"]);
            (m, subject, format!("{status}: {}", s(&v["reason"])))
        }
    }
}

/// Renders every line as a three-column table.
pub fn table(lines: &[Value]) -> String {
    let rows: Vec<(String, String, String)> = lines.iter().map(row).collect();
    let w0 = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .max(11);
    let w1 = rows
        .iter()
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    let mut out = format!("{:<w0$} | {:<w1$} | result\n", "measurement", "subject");
    out.push_str(&format!(
        "{}-|-{}-|-{}\n",
        "-".repeat(w0),
        "-".repeat(w1),
        "-".repeat(40)
    ));
    for (a, b, c) in rows {
        let pad0 = w0 - a.chars().count();
        let pad1 = w1 - b.chars().count();
        out.push_str(&format!(
            "{a}{} | {b}{} | {c}\n",
            " ".repeat(pad0),
            " ".repeat(pad1)
        ));
    }
    out
}

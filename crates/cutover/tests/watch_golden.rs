//! Golden text tests of the watch view's rendering: recorded deployment states (the rehearsal
//! story, linear 10% every minute) rendered at 80 columns and compared with
//! `fixtures/watch/*.txt`. `UPDATE_GOLDEN=1` rewrites the files (review the diff).

use std::path::PathBuf;

use cutover::cli::render::{line, render};
use cutover::cli::snapshot::{Health, LifecycleEvent, Routing, Snapshot, TaskSet};

/// 2026-01-01T10:00:00Z.
const T0: f64 = 1_767_261_600.0;
/// Install ends 161 s after the start (tasks healthy in TG-B).
const INSTALLED: f64 = T0 + 161.0;

const EVENTS: [&str; 8] = [
    "BeforeInstall",
    "Install",
    "AfterInstall",
    "AllowTestTraffic",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AllowTraffic",
    "AfterAllowTraffic",
];

fn health(healthy: u32, initial: u32, unhealthy: u32, draining: u32) -> Health {
    Health {
        healthy,
        initial,
        unhealthy,
        draining,
        unused: 0,
        other: 0,
    }
}

fn set(label: &str, status: &str, tg: &str, weight: f64, running: i64, h: Health) -> TaskSet {
    TaskSet {
        label: label.into(),
        status: status.into(),
        id: format!("ecs-svc/{}", if label == "Blue" { "1111" } else { "2222" }),
        weight,
        desired: 2,
        running,
        pending: 0,
        target_group: tg.into(),
        health: h,
    }
}

/// The deployment at `now` with events given as (status, start, end).
fn snap(now: f64, status: &str, events: &[(&str, Option<f64>, Option<f64>)]) -> Snapshot {
    let mut ev: Vec<LifecycleEvent> = EVENTS
        .iter()
        .map(|n| LifecycleEvent {
            name: (*n).into(),
            status: "Pending".into(),
            start: None,
            end: None,
        })
        .collect();
    for (e, (st, a, b)) in ev.iter_mut().zip(events) {
        e.status = (*st).into();
        e.start = *a;
        e.end = *b;
    }
    Snapshot {
        id: "d-7QX2M4K1A".into(),
        application: "my-app".into(),
        group: "my-app-dg".into(),
        config: "CodeDeployDefault.ECSLinear10PercentEvery1Minutes".into(),
        status: status.into(),
        error: None,
        now,
        start_time: Some(T0),
        complete_time: None,
        events: ev,
        task_sets: vec![
            set("Blue", "PRIMARY", "tg-a", 100.0, 2, health(2, 0, 0, 0)),
            set("Green", "ACTIVE", "tg-b", 0.0, 2, health(2, 0, 0, 0)),
        ],
        routing: Routing::Linear {
            percent: 10,
            minutes: 1,
        },
        ready_wait_minutes: None,
        termination_wait_minutes: Some(5),
        termination_wait_started: false,
        hooks: vec![
            ("AfterAllowTestTraffic".into(), "CheckTestTraffic".into()),
            (
                "AfterAllowTraffic".into(),
                "arn:aws:lambda:us-east-1:123456789012:function:CheckProdTraffic".into(),
            ),
        ],
        rollback_of: None,
        rolled_back_by: None,
        rollback_message: None,
    }
}

fn ok(a: f64, b: f64) -> (&'static str, Option<f64>, Option<f64>) {
    ("Succeeded", Some(a), Some(b))
}

fn running(a: f64) -> (&'static str, Option<f64>, Option<f64>) {
    ("InProgress", Some(a), None)
}

fn install_in_progress() -> Snapshot {
    let mut s = snap(T0 + 90.0, "InProgress", &[ok(T0, T0), running(T0)]);
    // No listener forwards to TG-B yet: ELBv2 reports its targets `unused`.
    s.task_sets[1].health = Health {
        unused: 2,
        ..Health::default()
    };
    s
}

fn hook_in_progress() -> Snapshot {
    let i = INSTALLED;
    snap(
        i + 12.0,
        "InProgress",
        &[ok(T0, T0), ok(T0, i), ok(i, i), ok(i, i), running(i)],
    )
}

fn mid_linear_shift() -> Snapshot {
    let i = INSTALLED;
    let mut s = snap(
        i + 138.0,
        "InProgress",
        &[
            ok(T0, T0),
            ok(T0, i),
            ok(i, i),
            ok(i, i),
            ok(i, i),
            ok(i, i),
            running(i),
        ],
    );
    s.task_sets[0].weight = 70.0;
    s.task_sets[1].weight = 30.0;
    s
}

fn ready_wait() -> Snapshot {
    let i = INSTALLED;
    let mut s = snap(
        i + 180.0,
        "Ready",
        &[ok(T0, T0), ok(T0, i), ok(i, i), ok(i, i), ok(i, i)],
    );
    s.config = "CodeDeployDefault.ECSAllAtOnce".into();
    s.routing = Routing::AllAtOnce;
    s.ready_wait_minutes = Some(10);
    s
}

fn succeeded() -> Snapshot {
    let i = INSTALLED;
    let shifted = i + 540.0;
    let done = shifted + 300.0;
    let mut s = snap(
        done + 20.0,
        "Succeeded",
        &[
            ok(T0, T0),
            ok(T0, i),
            ok(i, i),
            ok(i, i),
            ok(i, i),
            ok(i, i),
            ok(i, shifted),
            ok(shifted, shifted + 1.0),
        ],
    );
    s.complete_time = Some(done);
    s.termination_wait_started = true;
    s.task_sets = vec![
        TaskSet {
            desired: 0,
            ..set("Blue", "DRAINING", "tg-a", 0.0, 0, health(0, 0, 0, 2))
        },
        set("Green", "PRIMARY", "tg-b", 100.0, 2, health(2, 0, 0, 0)),
    ];
    s
}

fn failed_with_rollback() -> Snapshot {
    let i = INSTALLED;
    let mut s = snap(
        i + 30.0,
        "Failed",
        &[
            ok(T0, T0),
            ok(T0, i),
            ok(i, i),
            ok(i, i),
            ("Failed", Some(i), Some(i + 3.0)),
            ("Skipped", None, None),
            ("Skipped", None, None),
            ("Skipped", None, None),
        ],
    );
    s.complete_time = Some(i + 3.0);
    s.error = Some(
        "HOOK_EXECUTION_FAILURE: The lifecycle hook AfterAllowTestTraffic (CheckTestTraffic) reported Failed."
            .into(),
    );
    s.rolled_back_by = Some("d-R0LLBACK1".into());
    s.task_sets = vec![
        set("Blue", "PRIMARY", "tg-a", 100.0, 2, health(2, 0, 0, 0)),
        TaskSet {
            desired: 0,
            ..set("Green", "DRAINING", "tg-b", 0.0, 0, health(0, 0, 0, 2))
        },
    ];
    s
}

fn golden(name: &str, snapshot: &Snapshot) {
    let mut text = render(snapshot, 80);
    text.push_str("--- line\n");
    text.push_str(&line(snapshot));
    text.push('\n');
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/watch")
        .join(format!("{name}.txt"));
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        std::fs::write(&path, &text).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (UPDATE_GOLDEN=1 writes it; review it)",
            path.display()
        )
    });
    assert_eq!(
        text,
        want,
        "{} differs (UPDATE_GOLDEN=1 rewrites it)",
        path.display()
    );
}

#[test]
fn install_in_progress_frame() {
    golden("install_in_progress", &install_in_progress());
}

#[test]
fn hook_in_progress_frame() {
    golden("hook_in_progress", &hook_in_progress());
}

#[test]
fn mid_linear_shift_frame() {
    golden("mid_linear_shift", &mid_linear_shift());
}

#[test]
fn ready_wait_frame() {
    golden("ready_wait", &ready_wait());
}

#[test]
fn succeeded_frame() {
    golden("succeeded", &succeeded());
}

#[test]
fn failed_with_rollback_frame() {
    golden("failed_with_rollback", &failed_with_rollback());
}

#[test]
fn derived_step_and_hook() {
    let s = mid_linear_shift();
    let step = s.step().expect("shifting");
    assert_eq!((step.done, step.total, step.weight), (3, 10, 30));
    assert_eq!(step.next, Some((40, 42.0)));
    assert!(s.hook_in_progress().is_none());
    let h = hook_in_progress();
    let (e, f) = h.hook_in_progress().expect("hook");
    assert_eq!(
        (e.name.as_str(), f),
        ("AfterAllowTestTraffic", Some("CheckTestTraffic"))
    );
    assert!(
        install_in_progress().hook_in_progress().is_none(),
        "Install is no hook"
    );
}

#[test]
fn narrow_and_wide_frames_keep_their_width() {
    let s = mid_linear_shift();
    for w in [40, 60, 100, 200] {
        let f = render(&s, w);
        let widest = f.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(
            widest <= w.max(60),
            "width {w}: a line is {widest} wide:\n{f}"
        );
    }
}

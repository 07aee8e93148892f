//! Pure rendering of a [`Snapshot`]: the full frame of the live view ([`render`]) and the
//! one-line summary printed per change without a terminal ([`line`]).

use std::fmt::Write;

use super::snapshot::{fmt_clock, fmt_duration, is_terminal, Snapshot, Step, Wait};

/// The narrowest frame rendered; narrower terminals wrap.
const MIN_WIDTH: usize = 60;
/// Bars stop growing beyond this.
const MAX_BAR: usize = 50;

fn status_glyph(status: &str) -> &'static str {
    match status {
        "Succeeded" => "✔",
        "Failed" => "✖",
        "InProgress" => "▶",
        "Skipped" => "-",
        "Ready" => "⏸",
        "Stopped" => "■",
        _ => "·",
    }
}

/// The function's name when the AppSpec names it by ARN.
fn short_function(f: &str) -> &str {
    match f.find(":function:") {
        Some(i) => f[i + ":function:".len()..].split(':').next().unwrap_or(f),
        None => f,
    }
}

fn step_text(s: &Step) -> String {
    let mut t = format!(
        "{}/{} · replacement at {}%",
        s.done.max(1).min(s.total),
        s.total,
        s.weight
    );
    if let Some((w, left)) = s.next {
        let _ = write!(t, " · next {w}% in {}", fmt_duration(left));
    }
    t
}

fn bar(weight: f64, width: usize) -> String {
    let w = weight.clamp(0.0, 100.0);
    let filled = ((w / 100.0) * width as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// The full frame of the live view, `width` columns wide (at least 60).
pub fn render(s: &Snapshot, width: usize) -> String {
    let width = width.max(MIN_WIDTH);
    let mut o = String::new();
    let title = format!("Deployment {} · {}/{}", s.id, s.application, s.group);
    let clock = format!("virtual {}", fmt_clock(s.now));
    let gap = width.saturating_sub(title.chars().count() + clock.chars().count());
    let _ = writeln!(o, "{title}{}{clock}", " ".repeat(gap.max(1)));
    let _ = writeln!(o, "{}", "─".repeat(width));

    let elapsed = match (s.start_time, s.complete_time) {
        (Some(a), Some(b)) => format!(" · took {}", fmt_duration(b - a)),
        (Some(a), None) => format!(" · running {}", fmt_duration(s.now - a)),
        _ => String::new(),
    };
    field(
        &mut o,
        "Status",
        &format!("{} {}{elapsed}", status_glyph(&s.status), s.status),
        width,
    );
    field(
        &mut o,
        "Config",
        &format!("{} ({})", s.config, s.routing.describe()),
        width,
    );
    if let Some(of) = &s.rollback_of {
        field(&mut o, "Rollback", &format!("of {of}"), width);
    }
    if let Some(step) = s.step() {
        field(&mut o, "Step", &step_text(&step), width);
    }
    match s.wait() {
        Some(Wait::Ready { left }) => {
            let t = left.map_or_else(String::new, |l| {
                format!(", else stopped in {}", fmt_duration(l))
            });
            field(
                &mut o,
                "Waiting",
                &format!("for ContinueDeployment{t}"),
                width,
            );
        }
        Some(Wait::Termination { left }) => {
            let t = left.map_or_else(
                || "original task set kept alive".to_owned(),
                |l| format!("original task set terminated in {}", fmt_duration(l)),
            );
            field(&mut o, "Waiting", &t, width);
        }
        None => {}
    }
    if let Some((e, f)) = s.hook_in_progress() {
        let f = f.map_or_else(
            || "no function".to_owned(),
            |f| short_function(f).to_owned(),
        );
        let since = e
            .start
            .map_or_else(String::new, |t| format!(" · {}", fmt_duration(s.now - t)));
        field(&mut o, "Hook", &format!("{} → {f}{since}", e.name), width);
    }
    if let Some(err) = &s.error {
        field(&mut o, "Error", err, width);
    }
    if let Some(by) = &s.rolled_back_by {
        field(
            &mut o,
            "Rollback",
            &format!("{by} restores the original task set"),
            width,
        );
    }

    let _ = writeln!(o);
    let _ = writeln!(o, "Lifecycle events");
    for e in &s.events {
        let dur = match (e.start, e.end) {
            (Some(a), Some(b)) => fmt_duration(b - a),
            (Some(a), None) => fmt_duration(s.now - a),
            _ => String::new(),
        };
        let line = format!(
            "  {} {:<24} {:<11} {dur}",
            status_glyph(&e.status),
            e.name,
            e.status
        );
        let _ = writeln!(o, "{}", line.trim_end());
    }

    if !s.task_sets.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Task sets (production traffic)");
        let name_w = s
            .task_sets
            .iter()
            .map(|t| t.target_group.chars().count())
            .max()
            .unwrap_or(0);
        for t in &s.task_sets {
            // "  Green  PRIMARY   tg-b  " + bar + "  100%"
            let head = format!(
                "  {:<5}  {:<8}  {:<name_w$}  ",
                t.label, t.status, t.target_group
            );
            let bar_w = width
                .saturating_sub(head.chars().count() + 6)
                .clamp(10, MAX_BAR);
            let _ = writeln!(o, "{head}{} {:>3}%", bar(t.weight, bar_w), t.weight.round());
            let mut tasks = format!("{}/{} running", t.running, t.desired);
            if t.pending > 0 {
                let _ = write!(tasks, ", {} pending", t.pending);
            }
            let _ = writeln!(
                o,
                "         tasks {tasks} · targets {}",
                t.health.describe()
            );
        }
    }

    let _ = writeln!(o);
    if is_terminal(&s.status) {
        let _ = writeln!(o, "Done: {} {}", s.id, s.status);
    } else {
        let mut keys = vec!["cutover clock advance 1m".to_owned()];
        if s.status == "Ready" {
            keys.push(format!("cutover continue {}", s.id));
        }
        if matches!(s.wait(), Some(Wait::Termination { .. })) {
            keys.push(format!("cutover continue {} --termination-wait", s.id));
        }
        keys.push(format!("cutover stop {} --rollback", s.id));
        for l in wrap(&keys, " · ", width) {
            let _ = writeln!(o, "{l}");
        }
    }
    o
}

/// Joins `items` with `sep` into lines of at most `width` columns (an item longer than a line
/// gets a line of its own).
fn wrap<S: AsRef<str>>(items: &[S], sep: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for it in items {
        let it = it.as_ref();
        let need = cur.chars().count() + sep.chars().count() + it.chars().count();
        if !cur.is_empty() && need > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push_str(sep);
        }
        cur.push_str(it);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// A `Label    value` line, the value word-wrapped under itself.
fn field(o: &mut String, label: &str, value: &str, width: usize) {
    const INDENT: usize = 9;
    let words: Vec<&str> = value.split(' ').filter(|w| !w.is_empty()).collect();
    for (i, l) in wrap(&words, " ", width - INDENT).iter().enumerate() {
        let head = if i == 0 { label } else { "" };
        let _ = writeln!(o, "{head:<INDENT$}{l}");
    }
}

/// One line summarising the state, without the clock or countdowns, so that it changes only
/// when something happens: printed (after a timestamp) per change when stdout is not a TTY.
pub fn line(s: &Snapshot) -> String {
    let mut parts = vec![format!("{} {}", s.id, s.status)];
    if let Some(of) = &s.rollback_of {
        parts.push(format!("rollback of {of}"));
    }
    if let Some(e) = s.current_event() {
        match s.hook_in_progress() {
            Some((_, Some(f))) => parts.push(format!("{} hook {}", e.name, short_function(f))),
            _ => parts.push(e.name.clone()),
        }
    }
    if let Some(step) = s.step() {
        parts.push(format!(
            "step {}/{}",
            step.done.max(1).min(step.total),
            step.total
        ));
    }
    match s.wait() {
        Some(Wait::Ready { .. }) => parts.push("waiting for ContinueDeployment".into()),
        Some(Wait::Termination { .. }) => parts.push("termination wait".into()),
        None => {}
    }
    for t in &s.task_sets {
        parts.push(format!(
            "{} {} {}% {}/{} tasks, {}",
            t.label,
            t.target_group,
            t.weight.round(),
            t.running,
            t.desired,
            t.health.describe()
        ));
    }
    if let Some(err) = &s.error {
        parts.push(err.clone());
    }
    if let Some(by) = &s.rolled_back_by {
        parts.push(format!("rolled back by {by}"));
    }
    parts.join(" | ")
}

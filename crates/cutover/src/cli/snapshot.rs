//! What the watch view shows, as plain data: one [`Snapshot`] of a deployment at a virtual
//! instant, and what follows from it (the hook in progress, the traffic step, the next step).

/// The lifecycle events that run a hook (a Lambda function named in the AppSpec).
pub const HOOK_EVENTS: &[&str] = &[
    "BeforeInstall",
    "AfterInstall",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AfterAllowTraffic",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub id: String,
    pub application: String,
    pub group: String,
    pub config: String,
    /// `Created`, `Queued`, `InProgress`, `Ready`, `Succeeded`, `Failed`, `Stopped`.
    pub status: String,
    /// `CODE: message` of `errorInformation`.
    pub error: Option<String>,
    /// Virtual time (epoch seconds) when the snapshot was taken.
    pub now: f64,
    pub start_time: Option<f64>,
    pub complete_time: Option<f64>,
    pub events: Vec<LifecycleEvent>,
    pub task_sets: Vec<TaskSet>,
    pub routing: Routing,
    /// `deploymentReadyOption` with STOP_DEPLOYMENT: minutes to wait for ContinueDeployment.
    pub ready_wait_minutes: Option<i64>,
    /// Minutes before the original task set is terminated; `None` keeps it alive.
    pub termination_wait_minutes: Option<i64>,
    pub termination_wait_started: bool,
    /// (lifecycle event, Lambda function) from the AppSpec's `Hooks`.
    pub hooks: Vec<(String, String)>,
    /// This deployment is the rollback of that one.
    pub rollback_of: Option<String>,
    /// This deployment was rolled back by that one.
    pub rolled_back_by: Option<String>,
    pub rollback_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleEvent {
    pub name: String,
    /// `Pending`, `InProgress`, `Succeeded`, `Failed`, `Skipped`, `Unknown`.
    pub status: String,
    pub start: Option<f64>,
    pub end: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskSet {
    /// `Blue` (original) or `Green` (replacement).
    pub label: String,
    /// ECS status: `PRIMARY`, `ACTIVE`, `DRAINING`.
    pub status: String,
    pub id: String,
    /// Production traffic weight, 0–100.
    pub weight: f64,
    pub desired: i64,
    pub running: i64,
    pub pending: i64,
    pub target_group: String,
    pub health: Health,
}

/// Targets of a target group by state (ELBv2 DescribeTargetHealth).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Health {
    pub healthy: u32,
    pub initial: u32,
    pub unhealthy: u32,
    pub draining: u32,
    /// No listener forwards to the group (the replacement's before traffic moves).
    pub unused: u32,
    /// `unavailable` and anything else.
    pub other: u32,
}

impl Health {
    pub fn count(&mut self, state: &str) {
        match state {
            "healthy" => self.healthy += 1,
            "initial" => self.initial += 1,
            "unhealthy" => self.unhealthy += 1,
            "draining" => self.draining += 1,
            "unused" => self.unused += 1,
            _ => self.other += 1,
        }
    }

    /// `2 healthy, 1 initial` (only non-zero states; `no targets` when empty).
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            (self.healthy, "healthy"),
            (self.initial, "initial"),
            (self.unhealthy, "unhealthy"),
            (self.draining, "draining"),
            (self.unused, "unused"),
            (self.other, "other"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, s)| format!("{n} {s}"))
        .collect();
        if parts.is_empty() {
            "no targets".into()
        } else {
            parts.join(", ")
        }
    }
}

/// A deployment config's traffic routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    AllAtOnce,
    Canary { percent: i64, minutes: i64 },
    Linear { percent: i64, minutes: i64 },
    Unknown,
}

impl Routing {
    /// The replacement's weight after each step (the last is 100), as CodeDeploy shifts it.
    pub fn steps(self) -> Vec<i64> {
        match self {
            Routing::AllAtOnce | Routing::Unknown => vec![100],
            Routing::Canary { percent, .. } => vec![percent.clamp(1, 99), 100],
            Routing::Linear { percent, .. } => {
                let p = percent.clamp(1, 100);
                let mut v: Vec<i64> = (1..)
                    .map(|k| (k * p).min(100))
                    .take_while(|w| *w < 100)
                    .collect();
                v.push(100);
                v
            }
        }
    }

    pub fn interval_seconds(self) -> f64 {
        match self {
            Routing::Canary { minutes, .. } | Routing::Linear { minutes, .. } => {
                minutes as f64 * 60.0
            }
            _ => 0.0,
        }
    }

    pub fn describe(self) -> String {
        match self {
            Routing::AllAtOnce => "all at once".into(),
            Routing::Canary { percent, minutes } => {
                format!("canary {percent}%, the rest after {minutes}m")
            }
            Routing::Linear { percent, minutes } => {
                format!("linear {percent}% every {minutes}m")
            }
            Routing::Unknown => "unknown routing".into(),
        }
    }
}

/// Where the traffic shift stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Steps applied so far (1-based), of `total`.
    pub done: usize,
    pub total: usize,
    /// The replacement's current weight.
    pub weight: i64,
    /// The next step: (its weight, virtual seconds until it).
    pub next: Option<(i64, f64)>,
}

/// What the deployment is waiting for.
#[derive(Debug, Clone, PartialEq)]
pub enum Wait {
    /// Status Ready: ContinueDeployment, or the timeout (virtual seconds left) stops it.
    Ready { left: Option<f64> },
    /// The original task set is terminated in this many virtual seconds (`None`: kept alive).
    Termination { left: Option<f64> },
}

pub fn is_terminal(status: &str) -> bool {
    matches!(status, "Succeeded" | "Failed" | "Stopped")
}

impl Snapshot {
    pub fn event(&self, name: &str) -> Option<&LifecycleEvent> {
        self.events.iter().find(|e| e.name == name)
    }

    /// The event that is running now.
    pub fn current_event(&self) -> Option<&LifecycleEvent> {
        self.events.iter().find(|e| e.status == "InProgress")
    }

    /// The hook in progress: (lifecycle event, function when the AppSpec names one).
    pub fn hook_in_progress(&self) -> Option<(&LifecycleEvent, Option<&str>)> {
        let e = self.current_event()?;
        if !HOOK_EVENTS.contains(&e.name.as_str()) {
            return None;
        }
        let f = self
            .hooks
            .iter()
            .find(|(ev, _)| *ev == e.name)
            .map(|(_, f)| f.as_str());
        Some((e, f))
    }

    pub fn replacement(&self) -> Option<&TaskSet> {
        self.task_sets.iter().find(|t| t.label == "Green")
    }

    /// The traffic step, once AllowTraffic has started (a rollback shifts no traffic in steps:
    /// it puts everything back on the original task set at once).
    pub fn step(&self) -> Option<Step> {
        if self.rollback_of.is_some() {
            return None;
        }
        let allow = self.event("AllowTraffic")?;
        let start = allow.start?;
        let steps = self.routing.steps();
        let total = steps.len();
        let weight = if allow.status == "Succeeded" {
            100
        } else {
            self.replacement().map_or(0, |t| t.weight.round() as i64)
        };
        let done = steps.iter().position(|w| *w == weight).map_or(0, |i| i + 1);
        let next = if allow.status == "InProgress" && done < total {
            let at = start + done.max(1) as f64 * self.routing.interval_seconds();
            Some((steps[done], (at - self.now).max(0.0)))
        } else {
            None
        };
        Some(Step {
            done,
            total,
            weight,
            next,
        })
    }

    /// The wait the deployment is in, if any.
    pub fn wait(&self) -> Option<Wait> {
        if is_terminal(&self.status) {
            return None;
        }
        if self.status == "Ready" {
            // The ready wait starts when the event before BeforeAllowTraffic ends.
            let i = self
                .events
                .iter()
                .position(|e| e.name == "BeforeAllowTraffic")?;
            let began = i.checked_sub(1).and_then(|j| self.events[j].end);
            let left = match (began, self.ready_wait_minutes) {
                (Some(b), Some(m)) => Some((b + m as f64 * 60.0 - self.now).max(0.0)),
                _ => None,
            };
            return Some(Wait::Ready { left });
        }
        if self.termination_wait_started {
            let began = self.event("AfterAllowTraffic").and_then(|e| e.end);
            let left = match (began, self.termination_wait_minutes) {
                (Some(b), Some(m)) => Some((b + m as f64 * 60.0 - self.now).max(0.0)),
                _ => None,
            };
            return Some(Wait::Termination { left });
        }
        None
    }
}

/// `42s`, `2m 41s`, `1h 02m` (virtual durations, rounded down to the second).
pub fn fmt_duration(secs: f64) -> String {
    let s = if secs.is_finite() && secs > 0.0 {
        secs.floor() as u64
    } else {
        0
    };
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// `HH:MM:SS` (UTC) of an epoch instant.
pub fn fmt_clock(epoch: f64) -> String {
    let s = if epoch.is_finite() && epoch > 0.0 {
        epoch.floor() as u64
    } else {
        0
    };
    let d = s % 86_400;
    format!("{:02}:{:02}:{:02}", d / 3600, (d % 3600) / 60, d % 60)
}

/// `YYYY-MM-DDTHH:MM:SSZ` of an epoch instant (proleptic Gregorian, UTC).
pub fn fmt_epoch(epoch: f64) -> String {
    let s = if epoch.is_finite() && epoch > 0.0 {
        epoch.floor() as i64
    } else {
        0
    };
    let (days, rem) = (s.div_euclid(86_400), s.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{}Z",
        fmt_clock(rem as f64 + 86_400.0)
    )
}

/// (lifecycle event, function) pairs of an AppSpec's `Hooks` (YAML or JSON), read leniently:
/// every `EventName: Function` pair whose key is a hook event.
pub fn appspec_hooks(content: &str) -> Vec<(String, String)> {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(content) {
        let mut out = Vec::new();
        if let Some(hooks) = v.get("Hooks").and_then(|h| h.as_array()) {
            for h in hooks {
                if let Some(o) = h.as_object() {
                    for (k, f) in o {
                        if let Some(f) = f.as_str() {
                            out.push((k.clone(), f.to_owned()));
                        }
                    }
                }
            }
        }
        return out;
    }
    let mut out = Vec::new();
    for line in content.lines() {
        let l = line.trim().trim_start_matches('-').trim();
        let Some((k, v)) = l.split_once(':') else {
            continue;
        };
        let k = k.trim().trim_matches(|c| c == '"' || c == '\'');
        if !HOOK_EVENTS.contains(&k) {
            continue;
        }
        let v = v.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        if !v.is_empty() {
            out.push((k.to_owned(), v.to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_match_codedeploy() {
        let lin = Routing::Linear {
            percent: 10,
            minutes: 1,
        };
        assert_eq!(lin.steps(), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
        let lin = Routing::Linear {
            percent: 30,
            minutes: 1,
        };
        assert_eq!(lin.steps(), [30, 60, 90, 100]);
        let can = Routing::Canary {
            percent: 20,
            minutes: 5,
        };
        assert_eq!(can.steps(), [20, 100]);
        assert_eq!(can.interval_seconds(), 300.0);
        assert_eq!(Routing::AllAtOnce.steps(), [100]);
    }

    #[test]
    fn durations_and_clock() {
        assert_eq!(fmt_duration(0.0), "0s");
        assert_eq!(fmt_duration(42.9), "42s");
        assert_eq!(fmt_duration(161.0), "2m 41s");
        assert_eq!(fmt_duration(3725.0), "1h 02m");
        assert_eq!(fmt_duration(f64::NAN), "0s");
        assert_eq!(fmt_clock(1_767_225_600.0 + 3661.5), "01:01:01");
        assert_eq!(fmt_epoch(1_767_225_600.0), "2026-01-01T00:00:00Z");
        assert_eq!(fmt_epoch(951_782_400.0), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn hooks_from_yaml_and_json() {
        let yaml = "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\nHooks:\n  - AfterAllowTestTraffic: \"CheckTestTraffic\"\n  - AfterAllowTraffic: arn:aws:lambda:us-east-1:123456789012:function:CheckProd\n";
        assert_eq!(
            appspec_hooks(yaml),
            [
                (
                    "AfterAllowTestTraffic".to_owned(),
                    "CheckTestTraffic".to_owned()
                ),
                (
                    "AfterAllowTraffic".to_owned(),
                    "arn:aws:lambda:us-east-1:123456789012:function:CheckProd".to_owned()
                )
            ]
        );
        let json = r#"{"version": 0.0, "Hooks": [{"BeforeInstall": "Warm"}]}"#;
        assert_eq!(
            appspec_hooks(json),
            [("BeforeInstall".to_owned(), "Warm".to_owned())]
        );
    }
}

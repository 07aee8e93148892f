//! `cutover watch`: fetches a [`Snapshot`] of a deployment through the public APIs (CodeDeploy
//! GetDeployment / GetDeploymentTarget / GetDeploymentConfig, ELBv2 DescribeTargetGroups /
//! DescribeTargetHealth) and the control API's clock, then redraws it in place on a terminal or
//! prints one line per change; follows the rollback of a failed deployment.

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use serde_json::{json, Value};

use super::client::{xml_values, Client, ClientError};
use super::render::{line, render};
use super::snapshot::{
    appspec_hooks, fmt_clock, is_terminal, Health, LifecycleEvent, Routing, Snapshot, TaskSet,
};

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_owned()
}

/// The traffic routing of a `deploymentConfigInfo`.
pub fn routing(config_info: &Value) -> Routing {
    let r = &config_info["trafficRoutingConfig"];
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    match r["type"].as_str() {
        Some("AllAtOnce") => Routing::AllAtOnce,
        Some("TimeBasedCanary") => Routing::Canary {
            percent: int(&r["timeBasedCanary"]["canaryPercentage"]),
            minutes: int(&r["timeBasedCanary"]["canaryInterval"]),
        },
        Some("TimeBasedLinear") => Routing::Linear {
            percent: int(&r["timeBasedLinear"]["linearPercentage"]),
            minutes: int(&r["timeBasedLinear"]["linearInterval"]),
        },
        _ => Routing::Unknown,
    }
}

/// The snapshot fields that come from `deploymentInfo` (everything but the target, the health
/// and the routing).
pub fn from_deployment_info(d: &Value, now: f64) -> Snapshot {
    let bg = &d["blueGreenDeploymentConfiguration"];
    let ready = &bg["deploymentReadyOption"];
    let ready_wait_minutes = (ready["actionOnTimeout"].as_str() == Some("STOP_DEPLOYMENT"))
        .then(|| ready["waitTimeInMinutes"].as_i64().unwrap_or(0));
    let term = &bg["terminateBlueInstancesOnDeploymentSuccess"];
    let termination_wait_minutes = (term["action"].as_str() != Some("KEEP_ALIVE"))
        .then(|| term["terminationWaitTimeInMinutes"].as_i64().unwrap_or(0));
    let rev = &d["revision"];
    let content = rev["appSpecContent"]["content"]
        .as_str()
        .or(rev["string"]["content"].as_str())
        .unwrap_or("");
    let err = &d["errorInformation"];
    let error = err["code"]
        .as_str()
        .map(|c| format!("{c}: {}", err["message"].as_str().unwrap_or("")));
    let rb = &d["rollbackInfo"];
    let s = |v: &Value| v.as_str().map(str::to_owned);
    Snapshot {
        id: text(&d["deploymentId"]),
        application: text(&d["applicationName"]),
        group: text(&d["deploymentGroupName"]),
        config: text(&d["deploymentConfigName"]),
        status: text(&d["status"]),
        error,
        now,
        start_time: num(&d["startTime"]),
        complete_time: num(&d["completeTime"]),
        events: Vec::new(),
        task_sets: Vec::new(),
        routing: Routing::Unknown,
        ready_wait_minutes,
        termination_wait_minutes,
        termination_wait_started: d["instanceTerminationWaitTimeStarted"]
            .as_bool()
            .unwrap_or(false),
        hooks: appspec_hooks(content),
        rollback_of: s(&rb["rollbackTriggeringDeploymentId"]),
        rolled_back_by: s(&rb["rollbackDeploymentId"]),
        rollback_message: s(&rb["rollbackMessage"]),
    }
}

/// Lifecycle events and task sets (health left empty) of an `ecsTarget`.
pub fn from_ecs_target(t: &Value) -> (Vec<LifecycleEvent>, Vec<TaskSet>) {
    let events = t["lifecycleEvents"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| LifecycleEvent {
                    name: text(&e["lifecycleEventName"]),
                    status: text(&e["status"]),
                    start: num(&e["startTime"]),
                    end: num(&e["endTime"]),
                })
                .collect()
        })
        .unwrap_or_default();
    let sets = t["taskSetsInfo"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| TaskSet {
                    label: text(&s["taskSetLabel"]),
                    status: text(&s["status"]),
                    // The model spells it `identifer`.
                    id: text(&s["identifer"]),
                    weight: s["trafficWeight"].as_f64().unwrap_or(0.0),
                    desired: s["desiredCount"].as_i64().unwrap_or(0),
                    running: s["runningCount"].as_i64().unwrap_or(0),
                    pending: s["pendingCount"].as_i64().unwrap_or(0),
                    target_group: text(&s["targetGroup"]["name"]),
                    health: Health::default(),
                })
                .collect()
        })
        .unwrap_or_default();
    (events, sets)
}

/// Fetches snapshots of one deployment (caching what does not change: the target id, the
/// routing, target group ARNs).
pub struct Fetcher {
    client: Client,
    target_ids: HashMap<String, String>,
    routings: HashMap<String, Routing>,
    tg_arns: HashMap<String, String>,
}

impl Fetcher {
    pub fn new(client: Client) -> Self {
        Fetcher {
            client,
            target_ids: HashMap::new(),
            routings: HashMap::new(),
            tg_arns: HashMap::new(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub async fn snapshot(&mut self, id: &str) -> Result<Snapshot, ClientError> {
        let c = self.client.clone();
        let now = c.clock().await?["now"].as_f64().unwrap_or(0.0);
        let d = c
            .codedeploy("GetDeployment", json!({ "deploymentId": id }))
            .await?;
        let d = &d["deploymentInfo"];
        let mut snap = from_deployment_info(d, now);
        snap.routing = self.routing(&snap.config).await?;
        if !matches!(snap.status.as_str(), "Created" | "Queued") {
            if let Some(tid) = self.target_id(id).await? {
                let t = c
                    .codedeploy(
                        "GetDeploymentTarget",
                        json!({ "deploymentId": id, "targetId": tid }),
                    )
                    .await?;
                let (events, mut sets) = from_ecs_target(&t["deploymentTarget"]["ecsTarget"]);
                for s in &mut sets {
                    s.health = self.health(&s.target_group).await?;
                }
                snap.events = events;
                snap.task_sets = sets;
            }
        }
        Ok(snap)
    }

    async fn routing(&mut self, config: &str) -> Result<Routing, ClientError> {
        if let Some(r) = self.routings.get(config) {
            return Ok(*r);
        }
        let v = self
            .client
            .codedeploy(
                "GetDeploymentConfig",
                json!({ "deploymentConfigName": config }),
            )
            .await?;
        let r = routing(&v["deploymentConfigInfo"]);
        self.routings.insert(config.to_owned(), r);
        Ok(r)
    }

    async fn target_id(&mut self, id: &str) -> Result<Option<String>, ClientError> {
        if let Some(t) = self.target_ids.get(id) {
            return Ok(Some(t.clone()));
        }
        let v = match self
            .client
            .codedeploy("ListDeploymentTargets", json!({ "deploymentId": id }))
            .await
        {
            Ok(v) => v,
            Err(e) if e.code == "DeploymentNotStartedException" => return Ok(None),
            Err(e) => return Err(e),
        };
        let t = v["targetIds"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(t) = &t {
            self.target_ids.insert(id.to_owned(), t.clone());
        }
        Ok(t)
    }

    /// Target states of a target group by name (nothing when it is gone).
    async fn health(&mut self, tg_name: &str) -> Result<Health, ClientError> {
        let mut h = Health::default();
        if tg_name.is_empty() {
            return Ok(h);
        }
        let arn = match self.tg_arns.get(tg_name) {
            Some(a) => a.clone(),
            None => {
                let xml = match self
                    .client
                    .elbv2("DescribeTargetGroups", &[("Names.member.1", tg_name)])
                    .await
                {
                    Ok(x) => x,
                    Err(e) if e.code == "TargetGroupNotFound" => return Ok(h),
                    Err(e) => return Err(e),
                };
                let Some(a) = xml_values(&xml, &["member", "TargetGroupArn"])
                    .into_iter()
                    .next()
                else {
                    return Ok(h);
                };
                self.tg_arns.insert(tg_name.to_owned(), a.clone());
                a
            }
        };
        let xml = match self
            .client
            .elbv2("DescribeTargetHealth", &[("TargetGroupArn", &arn)])
            .await
        {
            Ok(x) => x,
            Err(e) if e.code == "TargetGroupNotFound" => {
                self.tg_arns.remove(tg_name);
                return Ok(h);
            }
            Err(e) => return Err(e),
        };
        for state in xml_values(&xml, &["TargetHealth", "State"]) {
            h.count(&state);
        }
        Ok(h)
    }
}

/// What a poll concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Keep watching.
    Continue,
    /// The watched deployment failed; now following its rollback deployment.
    FollowRollback { failed: String, rollback: String },
    /// Finished: the exit code and a closing message.
    Done { code: i32, message: String },
}

/// Follows one deployment (and its rollback) poll by poll.
pub struct Watcher {
    pub fetcher: Fetcher,
    /// The deployment being watched now.
    pub id: String,
    /// The deployment that failed, once following its rollback: (id, status, error).
    failed: Option<(String, String, Option<String>)>,
    last_line: Option<String>,
}

impl Watcher {
    pub fn new(client: Client, id: String) -> Self {
        Watcher {
            fetcher: Fetcher::new(client),
            id,
            failed: None,
            last_line: None,
        }
    }

    /// Fetches a snapshot and decides what follows.
    pub async fn poll(&mut self) -> Result<(Snapshot, Verdict), ClientError> {
        let snap = self.fetcher.snapshot(&self.id).await?;
        let verdict = self.judge(&snap);
        if let Verdict::FollowRollback { rollback, .. } = &verdict {
            self.failed = Some((snap.id.clone(), snap.status.clone(), snap.error.clone()));
            self.id = rollback.clone();
        }
        Ok((snap, verdict))
    }

    fn judge(&self, s: &Snapshot) -> Verdict {
        if !is_terminal(&s.status) {
            return Verdict::Continue;
        }
        if let Some((failed, status, error)) = &self.failed {
            let why = error
                .as_deref()
                .map_or_else(String::new, |e| format!(" ({e})"));
            return Verdict::Done {
                code: 1,
                message: format!(
                    "Deployment {failed} {status}{why}; rollback deployment {} {}.",
                    s.id, s.status
                ),
            };
        }
        if s.status == "Succeeded" {
            return Verdict::Done {
                code: 0,
                message: format!("Deployment {} Succeeded.", s.id),
            };
        }
        if let Some(rb) = &s.rolled_back_by {
            return Verdict::FollowRollback {
                failed: s.id.clone(),
                rollback: rb.clone(),
            };
        }
        let why = s
            .error
            .as_deref()
            .map_or_else(String::new, |e| format!(" ({e})"));
        Verdict::Done {
            code: 1,
            message: format!("Deployment {} {}{why}; no rollback.", s.id, s.status),
        }
    }

    /// The non-TTY output of a poll: a timestamped line when the summary changed, plus a line
    /// for a rollback being followed or the outcome.
    pub fn lines(&mut self, snap: &Snapshot, verdict: &Verdict) -> Vec<String> {
        let mut out = Vec::new();
        let l = line(snap);
        if self.last_line.as_deref() != Some(l.as_str()) {
            out.push(format!("[{}] {l}", fmt_clock(snap.now)));
            self.last_line = Some(l);
        }
        match verdict {
            Verdict::Continue => {}
            Verdict::FollowRollback { failed, rollback } => out.push(format!(
                "[{}] {failed} {}; following rollback deployment {rollback}",
                fmt_clock(snap.now),
                snap.status
            )),
            Verdict::Done { message, .. } => out.push(message.clone()),
        }
        out
    }
}

/// How the watch view writes.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub interval: Duration,
    /// Redraw in place (a terminal) or print lines.
    pub tty: bool,
    pub width: usize,
}

/// Watches until the deployment (and its rollback) ends; returns the exit code.
pub async fn run(
    client: Client,
    id: String,
    opts: Options,
    out: &mut (dyn Write + Send),
) -> Result<i32, ClientError> {
    let mut w = Watcher::new(client, id);
    let io = |e: std::io::Error| ClientError {
        code: "Output".into(),
        message: e.to_string(),
    };
    loop {
        let (snap, verdict) = w.poll().await?;
        if opts.tty {
            // Home, the frame with each line's tail cleared, then clear below.
            let frame = render(&snap, opts.width);
            let mut buf = String::from("\x1b[H");
            for l in frame.lines() {
                buf.push_str(l);
                buf.push_str("\x1b[K\n");
            }
            buf.push_str("\x1b[J");
            match &verdict {
                Verdict::Continue => {}
                Verdict::FollowRollback { rollback, .. } => {
                    // Keep the failed deployment's frame above and start the rollback's below.
                    buf.push_str(&format!("Following rollback deployment {rollback}…\n"));
                }
                Verdict::Done { message, .. } => {
                    buf.push_str(message);
                    buf.push('\n');
                }
            }
            out.write_all(buf.as_bytes()).map_err(io)?;
        } else {
            for l in w.lines(&snap, &verdict) {
                writeln!(out, "{l}").map_err(io)?;
            }
        }
        out.flush().map_err(io)?;
        match verdict {
            Verdict::Done { code, .. } => return Ok(code),
            Verdict::FollowRollback { .. } if opts.tty => {
                tokio::time::sleep(opts.interval.max(Duration::from_millis(1500))).await;
                out.write_all(b"\x1b[2J").map_err(io)?;
            }
            _ => tokio::time::sleep(opts.interval).await,
        }
    }
}

//! The blue/green engine: runs a CodeDeploy ECS deployment through its lifecycle events on the
//! virtual clock (CodeDeploy user guide, "What happens during an Amazon ECS deployment"):
//! BeforeInstall → Install (replacement task set in the other target group of the pair, wait
//! until stable) → AfterInstall → AllowTestTraffic → AfterAllowTestTraffic → (ready wait) →
//! BeforeAllowTraffic → AllowTraffic (production weights per the config, primary flipped at
//! 100 %) → AfterAllowTraffic → (termination wait) → the original task set is deleted.
//!
//! Every step is a plain function of the state; hooks are returned as effects and their results
//! come back through [`hook_result`]; waits are keyed timers in the world's queue.

use super::{Deployment, Diagnostics, EventStatus, HookExecution, LifecycleEvent, Phase, Status};
use crate::ecs::task_sets::{self};
use crate::elbv2::listeners::set_default_actions;
use crate::elbv2::{Action, ActionKind, WeightedGroup};
use crate::event::{DeploymentTimer, Effect, Event, EventKey};
use crate::world::Scope;
use serde_json::json;

pub use super::install::check_install;
pub(crate) use super::install::{d_cluster_service, install};
pub use super::outcome::{continue_deployment, fail, stop, ControlError};
pub(crate) use super::outcome::{stop_with, succeed};

pub const HOOK_EVENTS: &[&str] = &[
    "BeforeInstall",
    "AfterInstall",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AfterAllowTraffic",
];

/// The lifecycle events of a deployment, in order (without a test route AWS lists six).
pub fn event_names(test_route: bool) -> Vec<&'static str> {
    if test_route {
        vec![
            "BeforeInstall",
            "Install",
            "AfterInstall",
            "AllowTestTraffic",
            "AfterAllowTestTraffic",
            "BeforeAllowTraffic",
            "AllowTraffic",
            "AfterAllowTraffic",
        ]
    } else {
        vec![
            "BeforeInstall",
            "Install",
            "AfterInstall",
            "BeforeAllowTraffic",
            "AllowTraffic",
            "AfterAllowTraffic",
        ]
    }
}

pub fn new_events(test_route: bool) -> Vec<LifecycleEvent> {
    event_names(test_route)
        .into_iter()
        .map(|name| LifecycleEvent {
            name,
            status: EventStatus::Pending,
            start: None,
            end: None,
            diagnostics: None,
        })
        .collect()
}

pub(crate) fn timer_key(s: &Scope<'_>, id: &str, timer: DeploymentTimer) -> EventKey {
    EventKey::DeploymentTimer {
        pk: s.pk.clone(),
        id: id.to_owned(),
        timer,
    }
}

pub(crate) fn set_timer(s: &mut Scope<'_>, id: &str, timer: DeploymentTimer, after_secs: i64) {
    let key = timer_key(s, id, timer);
    let at = s.now.plus_secs(after_secs.max(0));
    s.queue.schedule_keyed(
        key,
        at,
        Event::DeploymentTimer {
            pk: s.pk.clone(),
            id: id.to_owned(),
            timer,
        },
    );
}

pub(crate) fn cancel_timer(s: &mut Scope<'_>, id: &str, timer: DeploymentTimer) {
    let key = timer_key(s, id, timer);
    s.queue.cancel(&key);
}

pub(crate) fn cancel_all_timers(s: &mut Scope<'_>, id: &str) {
    for t in [
        DeploymentTimer::TrafficStep,
        DeploymentTimer::ReadyTimeout,
        DeploymentTimer::TerminationDone,
        DeploymentTimer::HookTimeout,
        DeploymentTimer::InstallTimeout,
    ] {
        cancel_timer(s, id, t);
    }
}

/// Records a new deployment (status Created) and schedules its start at the current instant.
pub fn create(s: &mut Scope<'_>, d: Deployment) {
    let key = (d.application.clone(), d.group_name.clone());
    let id = d.id.clone();
    let st = &mut s.state.deployments;
    st.active.insert(key.clone(), id.clone());
    st.last_attempted.insert(key.clone(), id.clone());
    st.index(d.create_time, &id, key);
    st.deployments.insert(id.clone(), d);
    record_in_group(s, &id);
    note_status(s, &id);
    s.queue.schedule(
        s.now,
        Event::DeploymentStep {
            pk: s.pk.clone(),
            id,
        },
    );
}

/// Mirrors a deployment into its group's `lastAttemptedDeployment` / `lastSuccessfulDeployment`.
pub(crate) fn record_in_group(s: &mut Scope<'_>, id: &str) {
    let Some(d) = s.state.deployments.deployments.get(id) else {
        return;
    };
    let last = crate::codedeploy::deployment_groups::LastDeployment {
        deployment_id: d.id.clone(),
        status: d.status.as_str().to_owned(),
        create_time: d.create_time,
        end_time: d.complete_time,
    };
    let succeeded = d.status == Status::Succeeded;
    let (app, group) = (d.application.clone(), d.group_name.clone());
    if let Some(g) = s.state.codedeploy.deployment_group_mut(&app, &group) {
        if succeeded {
            g.last_successful_deployment = Some(last.clone());
        }
        g.last_attempted_deployment = Some(last);
    }
}

pub(crate) fn dep<'a>(s: &'a mut Scope<'_>, id: &str) -> Option<&'a mut Deployment> {
    s.state.deployments.deployments.get_mut(id)
}

pub(crate) fn notice(s: &mut Scope<'_>, kind: &'static str, data: serde_json::Value) {
    if s.settings.notices {
        s.effects.push(Effect::notice(s.pk, s.now, kind, data));
    }
}

/// Publishes the deployment's status (a `deployment` notice).
pub(crate) fn note_status(s: &mut Scope<'_>, id: &str) {
    let Some(d) = s.state.deployments.deployments.get(id) else {
        return;
    };
    let data = json!({
        "deploymentId": id,
        "application": d.application,
        "deploymentGroup": d.group_name,
        "status": d.status.as_str(),
        "creator": d.creator,
        "errorCode": d.error.as_ref().map(|e| e.0),
    });
    notice(s, "deployment", data);
}

/// Publishes the status of lifecycle event `i` (a `lifecycleEvent` notice).
pub(crate) fn note_event(s: &mut Scope<'_>, id: &str, i: usize) {
    let Some(e) = s
        .state
        .deployments
        .deployments
        .get(id)
        .and_then(|d| d.events.get(i))
    else {
        return;
    };
    let data = json!({
        "deploymentId": id,
        "lifecycleEvent": e.name,
        "status": e.status.as_str(),
        "start": e.start.map(|t| t.as_secs_f64()),
        "end": e.end.map(|t| t.as_secs_f64()),
    });
    notice(s, "lifecycleEvent", data);
}

/// Records new production weights (original, replacement) in the deployment's history and
/// publishes them (a `weights` notice).
pub(crate) fn note_weights(s: &mut Scope<'_>, id: &str, weights: (i32, i32)) {
    let now = s.now;
    let Some(d) = dep(s, id) else { return };
    d.weights = weights;
    d.traffic_history.push((now, weights.1));
    let data = json!({
        "deploymentId": id,
        "original": weights.0,
        "replacement": weights.1,
        "originalTaskSet": d.original.as_ref().map(|o| &o.0),
        "replacementTaskSet": d.replacement.as_ref().map(|r| &r.0),
        "trafficStep": d.traffic_step,
        "steps": d.schedule.steps().len(),
    });
    notice(s, "weights", data);
}

/// Runs the deployment as far as it can go without waiting.
pub fn run(s: &mut Scope<'_>, id: &str) {
    // Bounded: a deployment has at most a handful of synchronous steps.
    for _ in 0..64 {
        let now = s.now;
        let Some(d) = dep(s, id) else { return };
        d.last_updated = now;
        match d.phase {
            Phase::Done | Phase::ReadyWait => return,
            Phase::Start => {
                d.status = Status::InProgress;
                d.start_time = Some(now);
                d.phase = Phase::Event(0);
                note_status(s, id);
            }
            Phase::TerminationWait => {
                if d.termination_wait_started {
                    return;
                }
                d.termination_wait_started = true;
                match d.group.termination_wait_minutes {
                    None => {
                        // KEEP_ALIVE: the original task set stays.
                        succeed(s, id, false);
                        return;
                    }
                    Some(0) => {
                        succeed(s, id, true);
                        return;
                    }
                    Some(m) => {
                        set_timer(s, id, DeploymentTimer::TerminationDone, m as i64 * 60);
                        return;
                    }
                }
            }
            Phase::Event(i) => {
                if i >= d.events.len() {
                    d.phase = Phase::TerminationWait;
                    continue;
                }
                match d.events[i].status {
                    EventStatus::InProgress | EventStatus::Failed | EventStatus::Skipped => return,
                    EventStatus::Succeeded => {
                        d.phase = Phase::Event(i + 1);
                        continue;
                    }
                    EventStatus::Pending => {
                        let name = d.events[i].name;
                        if name == "BeforeAllowTraffic"
                            && d.group.ready_wait_minutes.is_some()
                            && !d.ready_passed
                        {
                            d.phase = Phase::ReadyWait;
                            d.status = Status::Ready;
                            let m = d.group.ready_wait_minutes.unwrap_or(0);
                            set_timer(s, id, DeploymentTimer::ReadyTimeout, m as i64 * 60);
                            note_status(s, id);
                            return;
                        }
                        d.events[i].status = EventStatus::InProgress;
                        d.events[i].start = Some(now);
                        note_event(s, id, i);
                        if !start_event(s, id, i, name) {
                            return;
                        }
                    }
                }
            }
        }
    }
}

/// Starts lifecycle event `i`; returns true when it completed synchronously.
pub(crate) fn start_event(s: &mut Scope<'_>, id: &str, i: usize, name: &'static str) -> bool {
    if HOOK_EVENTS.contains(&name) {
        let d = dep(s, id).expect("exists");
        let Some(function) = d
            .appspec
            .hooks
            .iter()
            .find(|(e, _)| e == name)
            .map(|(_, f)| f.clone())
        else {
            complete_event(s, id, i, EventStatus::Succeeded, None);
            return true;
        };
        let execution_id = execution_id(id, name);
        d.pending_hook = Some(HookExecution {
            id: execution_id.clone(),
            event: name,
            function: function.clone(),
        });
        let timeout = s.settings.hook_timeout_seconds;
        s.effects.push(Effect::InvokeHook {
            pk: s.pk.clone(),
            deployment_id: id.to_owned(),
            execution_id: execution_id.clone(),
            function: function.clone(),
            event: name,
        });
        let data = json!({"deploymentId": id, "lifecycleEvent": name, "function": function, "executionId": execution_id});
        notice(s, "hookInvoked", data);
        set_timer(s, id, DeploymentTimer::HookTimeout, timeout);
        return false;
    }
    match name {
        "Install" => install(s, id, i),
        "AllowTestTraffic" => {
            let d = dep(s, id).expect("exists");
            let (listeners, tg_b) = (
                d.group.test_listeners.clone(),
                d.replacement
                    .as_ref()
                    .map(|r| r.1.clone())
                    .unwrap_or_default(),
            );
            for l in listeners {
                set_default_actions(s, &l, vec![forward_to(&[(tg_b.as_str(), 1)])]);
            }
            complete_event(s, id, i, EventStatus::Succeeded, None);
            true
        }
        "AllowTraffic" => {
            let d = dep(s, id).expect("exists");
            d.traffic_step = 0;
            traffic_step(s, id, i)
        }
        _ => {
            complete_event(s, id, i, EventStatus::Succeeded, None);
            true
        }
    }
}

pub(crate) fn execution_id(id: &str, event: &str) -> String {
    use std::fmt::Write;
    let raw = format!(
        "{{\"deploymentId\":\"{id}\",\"event\":\"{event}\",\"nonce\":\"{}\"}}",
        crate::ids::uuid()
    );
    // Opaque like AWS's tokens: hex of the JSON.
    let mut out = String::with_capacity(raw.len() * 2);
    for b in raw.bytes() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

pub(crate) fn forward_to(groups: &[(&str, i32)]) -> Action {
    Action {
        kind: ActionKind::Forward {
            groups: groups
                .iter()
                .map(|(arn, w)| WeightedGroup {
                    arn: (*arn).to_owned(),
                    weight: *w,
                })
                .collect(),
            stickiness_enabled: false,
            stickiness_duration: None,
        },
        order: None,
    }
}

pub(crate) fn complete_event(
    s: &mut Scope<'_>,
    id: &str,
    i: usize,
    status: EventStatus,
    diagnostics: Option<Diagnostics>,
) {
    let now = s.now;
    if let Some(d) = dep(s, id) {
        if let Some(e) = d.events.get_mut(i) {
            e.status = status;
            e.end = Some(now);
            e.diagnostics = diagnostics;
        }
    }
    note_event(s, id, i);
}

pub(crate) fn current_event(d: &Deployment) -> Option<usize> {
    d.events
        .iter()
        .position(|e| e.status == EventStatus::InProgress)
}

pub(crate) fn diag(code: &'static str, script: &str, message: &str) -> Diagnostics {
    Diagnostics {
        error_code: code,
        script_name: script.to_owned(),
        message: message.to_owned(),
    }
}

/// Applies the next production traffic step; returns true when AllowTraffic completed.
pub(crate) fn traffic_step(s: &mut Scope<'_>, id: &str, i: usize) -> bool {
    let d = dep(s, id).expect("exists");
    let steps = d.schedule.steps();
    let k = d.traffic_step.min(steps.len() - 1);
    let w = steps[k];
    let (Some((set_a, tg_a)), Some((set_b, tg_b))) = (d.original.clone(), d.replacement.clone())
    else {
        fail(
            s,
            id,
            "INTERNAL_ERROR",
            "AllowTraffic started without a replacement task set.".into(),
            None,
        );
        return false;
    };
    d.traffic_step = k + 1;
    let (prod, cluster, service, interval) = (
        d.group.prod_listeners.clone(),
        d.group.cluster.clone(),
        d.group.service.clone(),
        d.schedule.interval_seconds(),
    );
    note_weights(s, id, (100 - w, w));
    let action = if w >= 100 {
        forward_to(&[(tg_b.as_str(), 1)])
    } else {
        forward_to(&[(tg_a.as_str(), 100 - w), (tg_b.as_str(), w)])
    };
    for l in &prod {
        set_default_actions(s, l, vec![action.clone()]);
    }
    if w >= 100 {
        task_sets::set_primary(s, &cluster, &service, &set_b);
        let _ = set_a;
        complete_event(s, id, i, EventStatus::Succeeded, None);
        return true;
    }
    set_timer(s, id, DeploymentTimer::TrafficStep, interval);
    false
}

/// A timer of deployment `id` expired.
pub fn on_timer(s: &mut Scope<'_>, id: &str, timer: DeploymentTimer) {
    let Some(d) = dep(s, id) else { return };
    if d.status.is_terminal() {
        return;
    }
    match timer {
        DeploymentTimer::TrafficStep => {
            if let Some(i) = d
                .events
                .iter()
                .position(|e| e.name == "AllowTraffic" && e.status == EventStatus::InProgress)
            {
                if traffic_step(s, id, i) {
                    run(s, id);
                }
            }
        }
        DeploymentTimer::ReadyTimeout => {
            if d.phase == Phase::ReadyWait {
                stop_with(s, id, "TIMEOUT", "The deployment timed out while waiting for the replacement task set to be ready for traffic (ContinueDeployment was not called).".into(), "DEPLOYMENT_FAILURE");
            }
        }
        DeploymentTimer::TerminationDone => {
            if d.phase == Phase::TerminationWait {
                succeed(s, id, true);
            }
        }
        DeploymentTimer::HookTimeout => {
            if let Some(h) = d.pending_hook.clone() {
                hook_finished(s, id, &h, false, Some(diag("ScriptTimedOut", &h.function, &format!("The lifecycle hook {} ({}) did not report a status within the hook timeout.", h.event, h.function))), "TIMEOUT");
            }
        }
        DeploymentTimer::InstallTimeout => {
            let key = d_cluster_service(s, id);
            s.state.deployments.waiting_install.remove(&key);
            fail(s, id, "TIMEOUT", "The replacement task set did not become stable (running and healthy in its target group) before the Install timeout.".into(), Some(diag("UnknownError", "", "The replacement task set's tasks did not pass their health checks.")));
        }
    }
}

/// Why a hook report was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookReportError {
    UnknownDeployment,
    UnknownExecution,
    AlreadyCompleted,
}

/// A hook reported (PutLifecycleEventHookExecutionStatus, the hook's HTTP answer, or an
/// invocation failure).
pub fn hook_result(
    s: &mut Scope<'_>,
    id: &str,
    execution_id: &str,
    succeeded: bool,
    diagnostics: Option<Diagnostics>,
) -> Result<(), HookReportError> {
    let d = s
        .state
        .deployments
        .deployments
        .get(id)
        .ok_or(HookReportError::UnknownDeployment)?;
    if d.finished_hooks.contains(execution_id) {
        return Err(HookReportError::AlreadyCompleted);
    }
    let Some(h) = d.pending_hook.clone().filter(|h| h.id == execution_id) else {
        return Err(HookReportError::UnknownExecution);
    };
    if d.status.is_terminal() {
        return Err(HookReportError::AlreadyCompleted);
    }
    let code = if diagnostics
        .as_ref()
        .is_some_and(|x| x.error_code == "ScriptMissing")
    {
        "INVALID_LAMBDA_FUNCTION"
    } else {
        "HOOK_EXECUTION_FAILURE"
    };
    let diagnostics = diagnostics.or_else(|| {
        (!succeeded).then(|| {
            diag(
                "ScriptFailed",
                &h.function,
                &format!(
                    "The lifecycle hook {} ({}) reported Failed.",
                    h.event, h.function
                ),
            )
        })
    });
    hook_finished(s, id, &h, succeeded, diagnostics, code);
    Ok(())
}

pub(crate) fn hook_finished(
    s: &mut Scope<'_>,
    id: &str,
    h: &HookExecution,
    succeeded: bool,
    diagnostics: Option<Diagnostics>,
    code: &'static str,
) {
    cancel_timer(s, id, DeploymentTimer::HookTimeout);
    let d = dep(s, id).expect("exists");
    d.pending_hook = None;
    d.finished_hooks.insert(h.id.clone());
    let Some(i) = d.events.iter().position(|e| e.name == h.event) else {
        return;
    };
    if succeeded {
        complete_event(
            s,
            id,
            i,
            EventStatus::Succeeded,
            Some(diag("Success", &h.function, "Succeeded")),
        );
        run(s, id);
    } else {
        let message = diagnostics.as_ref().map_or_else(
            || format!("The lifecycle hook {} failed.", h.event),
            |x| x.message.clone(),
        );
        fail(s, id, code, message, diagnostics);
    }
}

/// The `ECSTarget.status` of a deployment.
pub fn target_status(d: &Deployment) -> &'static str {
    match d.status {
        Status::Created => "Pending",
        Status::Ready => "Ready",
        Status::Succeeded => "Succeeded",
        Status::Failed | Status::Stopped => "Failed",
        Status::InProgress => {
            if d.phase == Phase::TerminationWait {
                "Succeeded"
            } else {
                "InProgress"
            }
        }
    }
}

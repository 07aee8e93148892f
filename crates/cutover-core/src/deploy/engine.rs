//! The blue/green engine: runs a CodeDeploy ECS deployment through its lifecycle events on the
//! virtual clock (CodeDeploy user guide, "What happens during an Amazon ECS deployment"):
//! BeforeInstall → Install (replacement task set in the other target group of the pair, wait
//! until stable) → AfterInstall → AllowTestTraffic → AfterAllowTestTraffic → (ready wait) →
//! BeforeAllowTraffic → AllowTraffic (production weights per the config, primary flipped at
//! 100 %) → AfterAllowTraffic → (termination wait) → the original task set is deleted.
//!
//! Every step is a plain function of the state; hooks are returned as effects and their results
//! come back through [`hook_result`]; waits are keyed timers in the world's queue.

use super::{
    AppSpec, Deployment, Diagnostics, EventStatus, HookExecution, LifecycleEvent, Phase,
    RollbackInfo, Status,
};
use crate::ecs::services::{Controller, LoadBalancerRef, ServiceStatus, TaskSetStatus};
use crate::ecs::task_definitions::TaskDefinitionStatus;
use crate::ecs::task_sets::{self, NewTaskSet};
use crate::elbv2::listeners::set_default_actions;
use crate::elbv2::{Action, ActionKind, WeightedGroup};
use crate::event::{DeploymentTimer, Effect, Event, EventKey};
use crate::world::Scope;
use serde_json::json;

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

fn timer_key(s: &Scope<'_>, id: &str, timer: DeploymentTimer) -> EventKey {
    EventKey::DeploymentTimer {
        pk: s.pk.clone(),
        id: id.to_owned(),
        timer,
    }
}

fn set_timer(s: &mut Scope<'_>, id: &str, timer: DeploymentTimer, after_secs: i64) {
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

fn cancel_timer(s: &mut Scope<'_>, id: &str, timer: DeploymentTimer) {
    let key = timer_key(s, id, timer);
    s.queue.cancel(&key);
}

fn cancel_all_timers(s: &mut Scope<'_>, id: &str) {
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
fn record_in_group(s: &mut Scope<'_>, id: &str) {
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

fn dep<'a>(s: &'a mut Scope<'_>, id: &str) -> Option<&'a mut Deployment> {
    s.state.deployments.deployments.get_mut(id)
}

fn notice(s: &mut Scope<'_>, kind: &'static str, data: serde_json::Value) {
    if s.settings.notices {
        s.effects.push(Effect::notice(s.pk, s.now, kind, data));
    }
}

/// Publishes the deployment's status (a `deployment` notice).
fn note_status(s: &mut Scope<'_>, id: &str) {
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
fn note_event(s: &mut Scope<'_>, id: &str, i: usize) {
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
fn note_weights(s: &mut Scope<'_>, id: &str, weights: (i32, i32)) {
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
fn start_event(s: &mut Scope<'_>, id: &str, i: usize, name: &'static str) -> bool {
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

fn execution_id(id: &str, event: &str) -> String {
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

fn forward_to(groups: &[(&str, i32)]) -> Action {
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

fn complete_event(
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

fn current_event(d: &Deployment) -> Option<usize> {
    d.events
        .iter()
        .position(|e| e.status == EventStatus::InProgress)
}

/// Resolves the pair, checks the AppSpec against ECS, creates the replacement task set.
fn install(s: &mut Scope<'_>, id: &str, i: usize) -> bool {
    let d = dep(s, id).expect("exists").clone();
    let g = &d.group;
    let svc_key = (g.cluster.clone(), g.service.clone());
    let Some(svc) = s.state.ecs.services.get(&svc_key) else {
        fail(
            s,
            id,
            "INVALID_ECS_SERVICE",
            format!(
                "The ECS service {} in cluster {} does not exist.",
                g.service, g.cluster
            ),
            Some(diag(
                "UnknownError",
                "",
                "The ECS service of the deployment group does not exist.",
            )),
        );
        return false;
    };
    if svc.status != ServiceStatus::Active || svc.controller != Controller::CodeDeploy {
        fail(s, id, "INVALID_ECS_SERVICE", format!("The ECS service {} is not an ACTIVE service with the CODE_DEPLOY deployment controller.", g.service), None);
        return false;
    }
    let Some(primary) = svc.primary_task_set().cloned() else {
        fail(
            s,
            id,
            "INVALID_ECS_SERVICE",
            format!("The ECS service {} has no primary task set.", g.service),
            None,
        );
        return false;
    };
    // The pair: the group the primary task set serves is the original; the other gets the replacement.
    let mut arns = Vec::new();
    for name in &g.target_groups {
        match s.state.elbv2.target_group_by_name(name) {
            Some(tg) => arns.push(tg.arn.clone()),
            None => {
                fail(
                    s,
                    id,
                    "ELASTIC_LOAD_BALANCING_INVALID",
                    format!("The target group {name} does not exist."),
                    None,
                );
                return false;
            }
        }
    }
    for l in g.prod_listeners.iter().chain(&g.test_listeners) {
        if s.state.elbv2.listener(l).is_none() {
            fail(
                s,
                id,
                "ELASTIC_LOAD_BALANCING_INVALID",
                format!("The listener {l} does not exist."),
                None,
            );
            return false;
        }
    }
    let tg_a = primary
        .load_balancers
        .first()
        .map(|l| l.target_group_arn.clone())
        .unwrap_or_default();
    let Some(tg_b) = arns
        .iter()
        .find(|a| **a != tg_a)
        .cloned()
        .filter(|_| arns.contains(&tg_a))
    else {
        fail(s, id, "ELASTIC_LOAD_BALANCING_INVALID", format!("The primary task set of {} is not registered in either target group of the deployment group's pair.", g.service), None);
        return false;
    };
    // The AppSpec's task definition, container and port.
    let spec: &AppSpec = &d.appspec;
    let td = {
        let reference = spec
            .task_definition
            .rsplit_once("task-definition/")
            .map_or(spec.task_definition.as_str(), |(_, r)| r);
        let (family, rev) = match reference.split_once(':') {
            Some((f, r)) => (f.to_owned(), r.parse::<u32>().ok()),
            None => (reference.to_owned(), None),
        };
        s.state.ecs.task_definitions.resolve(&family, rev).cloned()
    };
    let Some(td) = td else {
        fail(
            s,
            id,
            "INVALID_REVISION",
            format!(
                "The task definition {} in the AppSpec does not exist.",
                spec.task_definition
            ),
            Some(diag(
                "UnknownError",
                "",
                "The AppSpec names a task definition that does not exist.",
            )),
        );
        return false;
    };
    if td.status != TaskDefinitionStatus::Active {
        fail(
            s,
            id,
            "INVALID_REVISION",
            format!(
                "The task definition {} in the AppSpec is {}.",
                td.arn,
                td.status.as_str()
            ),
            None,
        );
        return false;
    }
    let Some(container) = td
        .spec
        .containers
        .iter()
        .find(|c| c.name == spec.container_name)
    else {
        fail(
            s,
            id,
            "INVALID_REVISION",
            format!(
                "The container {} in the AppSpec is not defined in task definition {}.",
                spec.container_name, td.arn
            ),
            None,
        );
        return false;
    };
    if !container
        .port_mappings
        .iter()
        .any(|p| p.container_port == Some(spec.container_port))
    {
        fail(s, id, "INVALID_REVISION", format!("The container port {} in the AppSpec is not mapped by container {} of task definition {}.", spec.container_port, spec.container_name, td.arn), None);
        return false;
    }
    // Leftovers of a deployment that failed without rollback: back to a clean pair.
    let leftovers: Vec<String> = svc
        .task_sets
        .iter()
        .filter(|t| t.status != TaskSetStatus::Primary && t.status != TaskSetStatus::Draining)
        .map(|t| t.id.clone())
        .collect();
    for ts in leftovers {
        task_sets::delete(s, &g.cluster, &g.service, &ts);
    }
    for l in g.prod_listeners.iter().chain(&g.test_listeners) {
        let points_at_a = s.state.elbv2.listener(l).is_some_and(|x| {
            x.default_actions
                .iter()
                .all(|a| a.target_group_arns().all(|t| t == tg_a))
        });
        if !points_at_a {
            set_default_actions(s, l, vec![forward_to(&[(tg_a.as_str(), 1)])]);
        }
    }
    let network = spec
        .network_configuration
        .clone()
        .or(primary.network_configuration.clone());
    let new_set = NewTaskSet {
        task_definition: td.arn.clone(),
        external_id: Some(id.to_owned()),
        started_by: Some("CODE_DEPLOY".into()),
        launch_type: primary.launch_type.clone(),
        platform_version: spec
            .platform_version
            .clone()
            .or(primary.platform_version.clone()),
        network_configuration: network,
        load_balancers: vec![LoadBalancerRef {
            target_group_arn: tg_b.clone(),
            container_name: spec.container_name.clone(),
            container_port: spec.container_port,
        }],
        scale: 100.0,
        tags: Vec::new(),
    };
    let Some(set_id) = task_sets::create(s, &g.cluster, &g.service, new_set) else {
        fail(
            s,
            id,
            "ECS_UPDATE_ERROR",
            "The replacement task set could not be created.".into(),
            None,
        );
        return false;
    };
    let d = dep(s, id).expect("exists");
    d.original = Some((primary.id.clone(), tg_a));
    d.replacement = Some((set_id, tg_b));
    note_weights(s, id, (100, 0));
    let svc_key = d_cluster_service(s, id);
    s.state
        .deployments
        .waiting_install
        .insert(svc_key, id.to_owned());
    let timeout = s.settings.install_timeout_seconds;
    set_timer(s, id, DeploymentTimer::InstallTimeout, timeout);
    let _ = i;
    false
}

fn diag(code: &'static str, script: &str, message: &str) -> Diagnostics {
    Diagnostics {
        error_code: code,
        script_name: script.to_owned(),
        message: message.to_owned(),
    }
}

fn d_cluster_service(s: &Scope<'_>, id: &str) -> (String, String) {
    let d = &s.state.deployments.deployments[id];
    (d.group.cluster.clone(), d.group.service.clone())
}

/// Completes Install when the replacement task set of the deployment waiting on service
/// (`cluster`, `service`) has become stable. Called after events that touch that service, so the
/// cost does not grow with the number of deployments in flight.
pub fn check_install(s: &mut Scope<'_>, cluster: &str, service: &str) {
    let key = (cluster.to_owned(), service.to_owned());
    let Some(id) = s.state.deployments.waiting_install.get(&key).cloned() else {
        return;
    };
    let Some(d) = s.state.deployments.deployments.get(&id) else {
        s.state.deployments.waiting_install.remove(&key);
        return;
    };
    let Some((set, _)) = &d.replacement else {
        return;
    };
    let stable = s
        .state
        .ecs
        .services
        .get(&key)
        .and_then(|svc| svc.task_set(set))
        .is_some_and(|t| t.stable);
    if !stable {
        return;
    }
    let Some(i) = d.events.iter().position(|e| e.name == "Install") else {
        return;
    };
    s.state.deployments.waiting_install.remove(&key);
    cancel_timer(s, &id, DeploymentTimer::InstallTimeout);
    complete_event(s, &id, i, EventStatus::Succeeded, None);
    run(s, &id);
}

/// Applies the next production traffic step; returns true when AllowTraffic completed.
fn traffic_step(s: &mut Scope<'_>, id: &str, i: usize) -> bool {
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

fn hook_finished(
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

/// Marks the running event Failed (later ones Skipped) and ends the deployment Failed, rolling
/// back when the effective auto-rollback configuration says so.
pub fn fail(
    s: &mut Scope<'_>,
    id: &str,
    code: &'static str,
    message: String,
    diagnostics: Option<Diagnostics>,
) {
    end(s, id, Status::Failed, code, message, diagnostics);
    let d = &s.state.deployments.deployments[id];
    if d.auto_rollback.on("DEPLOYMENT_FAILURE") && d.replacement.is_some() {
        rollback(s, id);
    }
}

fn stop_with(
    s: &mut Scope<'_>,
    id: &str,
    code: &'static str,
    message: String,
    rollback_event: &str,
) {
    end(s, id, Status::Stopped, code, message, None);
    let d = &s.state.deployments.deployments[id];
    if d.auto_rollback.on(rollback_event) && d.replacement.is_some() {
        rollback(s, id);
    }
}

fn end(
    s: &mut Scope<'_>,
    id: &str,
    status: Status,
    code: &'static str,
    message: String,
    diagnostics: Option<Diagnostics>,
) {
    cancel_all_timers(s, id);
    let key = d_cluster_service(s, id);
    s.state.deployments.waiting_install.remove(&key);
    let now = s.now;
    let d = dep(s, id).expect("exists");
    let running = current_event(d);
    let mut changed = Vec::new();
    for (k, e) in d.events.iter_mut().enumerate() {
        if Some(k) == running || e.status == EventStatus::Pending {
            changed.push(k);
        }
        if Some(k) == running {
            e.status = EventStatus::Failed;
            e.end = Some(now);
            e.diagnostics = diagnostics
                .clone()
                .or_else(|| Some(diag("UnknownError", "", &message)));
        } else if e.status == EventStatus::Pending {
            e.status = EventStatus::Skipped;
        }
    }
    if let Some(h) = d.pending_hook.take() {
        d.finished_hooks.insert(h.id);
    }
    d.status = status;
    d.error = Some((code, message));
    d.complete_time = Some(now);
    d.phase = Phase::Done;
    let key = (d.application.clone(), d.group_name.clone());
    s.state.deployments.active.remove(&key);
    record_in_group(s, id);
    for k in changed {
        note_event(s, id, k);
    }
    note_status(s, id);
}

fn succeed(s: &mut Scope<'_>, id: &str, delete_original: bool) {
    cancel_all_timers(s, id);
    let now = s.now;
    let d = dep(s, id).expect("exists").clone();
    if delete_original {
        if let Some((set, _)) = &d.original {
            task_sets::delete(s, &d.group.cluster, &d.group.service, set);
        }
    }
    let d = dep(s, id).expect("exists");
    d.status = Status::Succeeded;
    d.complete_time = Some(now);
    d.phase = Phase::Done;
    let key = (d.application.clone(), d.group_name.clone());
    let rev = d.revision.clone();
    s.state.deployments.active.remove(&key);
    s.state
        .deployments
        .last_successful
        .insert(key, (id.to_owned(), rev));
    record_in_group(s, id);
    note_status(s, id);
}

/// Why StopDeployment / ContinueDeployment was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlError {
    AlreadyCompleted,
    NotReady,
    NotInTerminationWait,
}

/// StopDeployment: ends the deployment Stopped (MANUAL_STOP), rolling back when asked.
pub fn stop(s: &mut Scope<'_>, id: &str, auto_rollback: Option<bool>) -> Result<(), ControlError> {
    let d = s
        .state
        .deployments
        .deployments
        .get(id)
        .ok_or(ControlError::AlreadyCompleted)?;
    if d.status.is_terminal() {
        return Err(ControlError::AlreadyCompleted);
    }
    let wants = auto_rollback.unwrap_or_else(|| d.auto_rollback.on("DEPLOYMENT_STOP_ON_REQUEST"));
    let has_replacement = d.replacement.is_some();
    end(
        s,
        id,
        Status::Stopped,
        "MANUAL_STOP",
        "The deployment was stopped by the user.".into(),
        None,
    );
    if wants && has_replacement {
        rollback(s, id);
    }
    Ok(())
}

/// ContinueDeployment.
pub fn continue_deployment(
    s: &mut Scope<'_>,
    id: &str,
    termination_wait: bool,
) -> Result<(), ControlError> {
    let d = s
        .state
        .deployments
        .deployments
        .get_mut(id)
        .ok_or(ControlError::AlreadyCompleted)?;
    if d.status.is_terminal() {
        return Err(ControlError::AlreadyCompleted);
    }
    if termination_wait {
        if d.phase != Phase::TerminationWait {
            return Err(ControlError::NotInTerminationWait);
        }
        succeed(s, id, true);
        return Ok(());
    }
    if d.phase != Phase::ReadyWait {
        return Err(ControlError::NotReady);
    }
    d.ready_passed = true;
    d.status = Status::InProgress;
    let i = d
        .events
        .iter()
        .position(|e| e.name == "BeforeAllowTraffic")
        .unwrap_or(0);
    d.phase = Phase::Event(i);
    cancel_timer(s, id, DeploymentTimer::ReadyTimeout);
    note_status(s, id);
    run(s, id);
    Ok(())
}

/// Creates and runs the rollback deployment of `failed_id`: listeners back to the original
/// target group, the original task set primary again, the replacement deleted.
fn rollback(s: &mut Scope<'_>, failed_id: &str) {
    let now = s.now;
    let failed = s.state.deployments.deployments[failed_id].clone();
    let key = (failed.application.clone(), failed.group_name.clone());
    let new_id = crate::ids::deployment_id();
    let revision = s
        .state
        .deployments
        .last_successful
        .get(&key)
        .map(|(_, r)| r.clone())
        .or(failed.previous_revision.clone())
        .unwrap_or(failed.revision.clone());
    let g = failed.group.clone();
    // Undo.
    if let Some((orig_set, tg_a)) = &failed.original {
        for l in g.prod_listeners.iter().chain(&g.test_listeners) {
            set_default_actions(s, l, vec![forward_to(&[(tg_a.as_str(), 1)])]);
        }
        task_sets::set_primary(s, &g.cluster, &g.service, orig_set);
        if failed.weights != (100, 0) {
            note_weights(s, failed_id, (100, 0));
        }
    }
    if let Some((rep_set, _)) = &failed.replacement {
        task_sets::delete(s, &g.cluster, &g.service, rep_set);
    }
    let mut events = new_events(failed.has_test_route());
    for e in &mut events {
        e.status = if HOOK_EVENTS.contains(&e.name) {
            EventStatus::Skipped
        } else {
            EventStatus::Succeeded
        };
        if e.status == EventStatus::Succeeded {
            e.start = Some(now);
            e.end = Some(now);
        }
    }
    let message = format!("Deployment {failed_id} failed or was stopped; deployment {new_id} rolled back to the original task set.");
    let rb = Deployment {
        id: new_id.clone(),
        application: failed.application.clone(),
        group_name: failed.group_name.clone(),
        config_name: failed.config_name.clone(),
        schedule: failed.schedule,
        group: g,
        revision,
        previous_revision: Some(failed.revision.clone()),
        appspec: failed.appspec.clone(),
        status: Status::Succeeded,
        error: None,
        create_time: now,
        start_time: Some(now),
        complete_time: Some(now),
        description: None,
        creator: "codeDeployRollback",
        auto_rollback: failed.auto_rollback.clone(),
        rollback_info: Some(RollbackInfo {
            rollback_deployment_id: None,
            rollback_triggering_deployment_id: Some(failed_id.to_owned()),
            rollback_message: None,
        }),
        termination_wait_started: false,
        events,
        phase: Phase::Done,
        original: failed.original.clone(),
        replacement: failed.replacement.clone(),
        weights: (100, 0),
        traffic_history: vec![(now, 0)],
        traffic_step: 0,
        pending_hook: None,
        finished_hooks: Default::default(),
        last_updated: now,
        deployment_status_messages: Vec::new(),
        ready_passed: false,
        group_shapes: failed.group_shapes.clone(),
        external_id: None,
    };
    let st = &mut s.state.deployments;
    st.last_attempted.insert(key.clone(), new_id.clone());
    st.index(now, &new_id, key);
    st.deployments.insert(new_id.clone(), rb);
    if let Some(f) = st.deployments.get_mut(failed_id) {
        f.rollback_info = Some(RollbackInfo {
            rollback_deployment_id: Some(new_id.clone()),
            rollback_triggering_deployment_id: None,
            rollback_message: Some(message),
        });
    }
    record_in_group(s, &new_id);
    note_status(s, &new_id);
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

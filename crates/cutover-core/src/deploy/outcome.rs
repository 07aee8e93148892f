//! How a deployment ends: failure, stop, success (deleting the original task set), the ready
//! and termination waits' controls, and rollback deployments (CodeDeploy user guide, "Redeploy
//! and roll back a deployment with CodeDeploy"). The lifecycle itself is in [`super::engine`].

use super::{Deployment, Diagnostics, EventStatus, Phase, RollbackInfo, Status};
use crate::ecs::task_sets::{self};
use crate::elbv2::listeners::set_default_actions;
use crate::event::DeploymentTimer;
use crate::world::Scope;

use super::engine::*;

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

pub(crate) fn stop_with(
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

pub(crate) fn end(
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

pub(crate) fn succeed(s: &mut Scope<'_>, id: &str, delete_original: bool) {
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
pub(crate) fn rollback(s: &mut Scope<'_>, failed_id: &str) {
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

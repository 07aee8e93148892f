//! Convergence of services on their desired state: rolling updates of ECS-controller
//! deployments with `minimumHealthyPercent` / `maximumPercent` and the deployment circuit breaker
//! (ECS developer guide, "Rolling update", "Deployment circuit breaker"), task sets of
//! CODE_DEPLOY / EXTERNAL services, draining services, steady-state events, and the counts the
//! API reports. The task lifecycle itself is in [`super::scheduler`].

use super::scheduler::{start_task, stop_task, task_healthy, task_service, TaskSpec};
use super::services::{
    Controller, Deployment, DeploymentStatus, RolloutState, ServiceStatus, TaskSetStatus,
};
use super::tasks::{Task, TaskOwner, TaskStatus};
use crate::world::Scope;

/// Counts a failed task against the circuit breaker of its ECS-controller deployment.
pub(crate) fn count_failure(s: &mut Scope<'_>, cluster: &str, id: &str) {
    let Some(task) = s.state.ecs.tasks.get(&(cluster.to_owned(), id.to_owned())) else {
        return;
    };
    let TaskOwner::Deployment {
        service,
        deployment_id,
    } = task.owner.clone()
    else {
        return;
    };
    let now = s.now;
    let Some(svc) = s
        .state
        .ecs
        .services
        .get_mut(&(cluster.to_owned(), service.clone()))
    else {
        return;
    };
    let desired = svc.desired_count;
    let cb = svc.deployment_configuration.clone();
    let Some(pos) = svc.deployments.iter().position(|d| d.id == deployment_id) else {
        return;
    };
    let d = &mut svc.deployments[pos];
    d.failed_tasks += 1;
    d.updated_at = now;
    if !(cb.circuit_breaker_enable
        && d.status == DeploymentStatus::Primary
        && d.rollout_state == RolloutState::InProgress)
    {
        return;
    }
    let threshold = ((desired as f64 * 0.5).ceil() as i32).clamp(3, 200);
    if d.failed_tasks < threshold {
        return;
    }
    d.rollout_state = RolloutState::Failed;
    d.rollout_state_reason = "ECS deployment circuit breaker: tasks failed to start.".into();
    let failed_id = d.id.clone();
    svc.event(now, format!("(service {service}) (deployment {failed_id}) deployment failed: tasks failed to start."));
    if !cb.circuit_breaker_rollback {
        return;
    }
    // Roll back to the task definition of the last deployment that completed.
    let Some(last_good) = svc
        .deployments
        .iter()
        .find(|d| d.id != failed_id && d.rollout_state == RolloutState::Completed)
        .map(|d| d.task_definition.clone())
        .or_else(|| svc.last_completed_task_definition.clone())
    else {
        return;
    };
    for d in &mut svc.deployments {
        d.status = DeploymentStatus::Active;
    }
    let new_id = crate::ids::ecs_svc_id();
    svc.deployments.insert(
        0,
        Deployment {
            id: new_id.clone(),
            status: DeploymentStatus::Primary,
            task_definition: last_good.clone(),
            created_at: now,
            updated_at: now,
            failed_tasks: 0,
            rollout_state: RolloutState::InProgress,
            rollout_state_reason: format!(
                "ECS deployment circuit breaker: rolling back to deploymentId {new_id}."
            ),
        },
    );
    svc.task_definition = Some(last_good);
    svc.event(now, format!("(service {service}) (deployment {failed_id}) deployment failed: rolling back to deployment {new_id}."));
}

pub(crate) fn reconcile_owner(s: &mut Scope<'_>, cluster: &str, id: &str) {
    if let Some(svc) = task_service(s, cluster, id) {
        reconcile_service(s, cluster, &svc);
    }
}

fn td_key(arn: &str) -> Option<(String, u32)> {
    let rest = arn.rsplit_once("task-definition/")?.1;
    let (family, rev) = rest.rsplit_once(':')?;
    Some((family.to_owned(), rev.parse().ok()?))
}

/// Converges a service on its desired state (idempotent; cheap enough to call after every
/// change).
pub fn reconcile_service(s: &mut Scope<'_>, cluster: &str, name: &str) {
    let skey = (cluster.to_owned(), name.to_owned());
    let Some(svc) = s.state.ecs.services.get(&skey) else {
        return;
    };
    match svc.controller {
        Controller::Ecs => reconcile_rolling(s, cluster, name),
        Controller::CodeDeploy | Controller::External => reconcile_task_sets(s, cluster, name),
    }
    finish_draining_and_steady_state(s, cluster, name);
}

/// Tasks of a service (by owner), not yet purged.
fn service_tasks<'a>(
    s: &'a Scope<'_>,
    cluster: &'a str,
    name: &'a str,
) -> impl Iterator<Item = &'a Task> + 'a {
    // Through the per-service index: cost follows the service's tasks, not the cluster's.
    let ecs = &s.state.ecs;
    ecs.service_tasks
        .get(&(cluster.to_owned(), name.to_owned()))
        .into_iter()
        .flatten()
        .filter_map(move |key| ecs.tasks.get(key))
}

fn reconcile_rolling(s: &mut Scope<'_>, cluster: &str, name: &str) {
    let skey = (cluster.to_owned(), name.to_owned());
    let svc = s.state.ecs.services.get(&skey).expect("checked");
    let desired = if svc.status == ServiceStatus::Active {
        svc.desired_count
    } else {
        0
    };
    let conf = svc.deployment_configuration.clone();
    let Some(primary) = svc
        .deployments
        .iter()
        .find(|d| d.status == DeploymentStatus::Primary)
        .cloned()
    else {
        return;
    };
    let (launch_type, platform_version, network, lbs) = (
        svc.launch_type.clone(),
        svc.platform_version.clone(),
        svc.network_configuration.clone(),
        svc.load_balancers.clone(),
    );
    let (propagate_tags, ecs_managed_tags) =
        (svc.propagate_tags.clone(), svc.enable_ecs_managed_tags);
    let max_total =
        ((desired as i64 * conf.maximum_percent as i64) / 100).max(desired as i64) as i32;
    let min_healthy = ((desired as i64 * conf.minimum_healthy_percent as i64 + 99) / 100) as i32;

    let mut primary_live: Vec<(String, bool, bool)> = Vec::new(); // (id, healthy, running)
    let mut others_live: Vec<(String, bool)> = Vec::new();
    for task in service_tasks(s, cluster, name) {
        if task.is_stopping_or_stopped() {
            continue;
        }
        let healthy = task_healthy(s, task);
        match &task.owner {
            TaskOwner::Deployment { deployment_id, .. } if *deployment_id == primary.id => {
                primary_live.push((
                    task.id.clone(),
                    healthy,
                    task.last_status == TaskStatus::Running,
                ))
            }
            _ => others_live.push((task.id.clone(), healthy)),
        }
    }
    let mut healthy_total = primary_live.iter().filter(|t| t.1).count() as i32
        + others_live.iter().filter(|t| t.1).count() as i32;
    let mut live_total = (primary_live.len() + others_live.len()) as i32;

    // Scale in: old deployments' tasks go first, unhealthy ones without limit, healthy ones
    // while the service keeps its minimum healthy percent.
    others_live.sort_by_key(|t| t.1);
    for (id, healthy) in &others_live {
        let may = !healthy
            || healthy_total > min_healthy
            || primary_live.len() as i32 >= desired
                && primary_live.iter().filter(|t| t.1).count() as i32 >= desired;
        if may {
            stop_task(
                s,
                cluster,
                id,
                "ServiceSchedulerInitiated",
                format!("Scaling activity initiated by (deployment {})", primary.id),
            );
            live_total -= 1;
            if *healthy {
                healthy_total -= 1;
            }
        }
    }
    // Extra tasks of the primary deployment (desired count lowered).
    let mut extra = primary_live.len() as i32 - desired;
    if extra > 0 {
        let mut by_worst = primary_live.clone();
        by_worst.sort_by_key(|t| (t.1, t.2));
        for (id, _, _) in by_worst {
            if extra == 0 {
                break;
            }
            stop_task(
                s,
                cluster,
                &id,
                "ServiceSchedulerInitiated",
                format!("Scaling activity initiated by (deployment {})", primary.id),
            );
            extra -= 1;
        }
    }
    // Scale out the primary deployment within maximumPercent (a FAILED rollout without rollback
    // launches nothing more).
    if primary.rollout_state != RolloutState::Failed {
        let Some(td) = td_key(&primary.task_definition) else {
            return;
        };
        let mut primary_count = primary_live.len() as i32;
        let mut started = Vec::new();
        while primary_count < desired && live_total < max_total {
            let spec = TaskSpec {
                cluster: cluster.to_owned(),
                task_definition: td.clone(),
                owner: TaskOwner::Deployment {
                    service: name.to_owned(),
                    deployment_id: primary.id.clone(),
                },
                group: format!("service:{name}"),
                started_by: Some(primary.id.clone()),
                launch_type: launch_type.clone(),
                platform_version: platform_version.clone(),
                network_configuration: network.clone(),
                load_balancers: lbs.clone(),
                tags: Vec::new(),
                propagate_tags: propagate_tags.clone(),
                ecs_managed_tags,
            };
            let Some(id) = start_task(s, spec) else { break };
            started.push(id);
            primary_count += 1;
            live_total += 1;
        }
        if !started.is_empty() {
            let now = s.now;
            let svc = s.state.ecs.services.get_mut(&skey).expect("exists");
            svc.event(
                now,
                format!(
                    "(service {name}) has started {} tasks: {}.",
                    started.len(),
                    started
                        .iter()
                        .map(|i| format!("(task {i})"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            );
        }
    }
    // Old deployments without tasks leave the list; the primary completes when it alone runs
    // the desired count, all healthy.
    let remaining: Vec<String> = service_tasks(s, cluster, name)
        .filter(|t| t.last_status != TaskStatus::Stopped)
        .filter_map(|t| match &t.owner {
            TaskOwner::Deployment { deployment_id, .. } => Some(deployment_id.clone()),
            _ => None,
        })
        .collect();
    let healthy_primary = service_tasks(s, cluster, name)
        .filter(|t| matches!(&t.owner, TaskOwner::Deployment { deployment_id, .. } if *deployment_id == primary.id))
        .filter(|t| task_healthy(s, t))
        .count() as i32;
    let now = s.now;
    let svc = s.state.ecs.services.get_mut(&skey).expect("exists");
    svc.deployments
        .retain(|d| d.status == DeploymentStatus::Primary || remaining.contains(&d.id));
    if svc.deployments.len() == 1 && healthy_primary == desired {
        let d = &mut svc.deployments[0];
        if d.rollout_state == RolloutState::InProgress {
            d.rollout_state = RolloutState::Completed;
            d.rollout_state_reason = format!("ECS deployment {} completed.", d.id);
            d.updated_at = now;
            svc.last_completed_task_definition = Some(d.task_definition.clone());
        }
    }
}

fn reconcile_task_sets(s: &mut Scope<'_>, cluster: &str, name: &str) {
    let skey = (cluster.to_owned(), name.to_owned());
    let svc = s.state.ecs.services.get(&skey).expect("checked");
    let desired = if svc.status == ServiceStatus::Active {
        svc.desired_count
    } else {
        0
    };
    let (propagate_tags, ecs_managed_tags) =
        (svc.propagate_tags.clone(), svc.enable_ecs_managed_tags);
    let sets: Vec<_> = svc
        .task_sets
        .iter()
        .map(|ts| {
            (
                ts.id.clone(),
                ts.computed_desired_count(desired),
                ts.task_definition.clone(),
                ts.launch_type.clone(),
                ts.platform_version.clone(),
                ts.network_configuration.clone(),
                ts.load_balancers.clone(),
            )
        })
        .collect();
    let now = s.now;
    for (set_id, want, td, lt, pv, net, lbs) in sets {
        let live: Vec<(String, bool, bool)> = service_tasks(s, cluster, name)
            .filter(|t| matches!(&t.owner, TaskOwner::TaskSet { task_set_id, .. } if *task_set_id == set_id))
            .filter(|t| !t.is_stopping_or_stopped())
            .map(|t| (t.id.clone(), task_healthy(s, t), t.last_status == TaskStatus::Running))
            .collect();
        let mut n = live.len() as i32;
        if n > want {
            let mut by_worst = live.clone();
            by_worst.sort_by_key(|t| (t.1, t.2));
            for (id, _, _) in by_worst.into_iter().take((n - want) as usize) {
                stop_task(
                    s,
                    cluster,
                    &id,
                    "ServiceSchedulerInitiated",
                    format!("Scaling activity initiated by (taskSet {set_id})"),
                );
            }
        }
        let mut started = Vec::new();
        if let Some(tdk) = td_key(&td) {
            while n < want {
                let spec = TaskSpec {
                    cluster: cluster.to_owned(),
                    task_definition: tdk.clone(),
                    owner: TaskOwner::TaskSet {
                        service: name.to_owned(),
                        task_set_id: set_id.clone(),
                    },
                    group: format!("service:{name}"),
                    started_by: Some(set_id.clone()),
                    launch_type: lt.clone(),
                    platform_version: pv.clone(),
                    network_configuration: net.clone(),
                    load_balancers: lbs.clone(),
                    tags: Vec::new(),
                    propagate_tags: propagate_tags.clone(),
                    ecs_managed_tags,
                };
                let Some(id) = start_task(s, spec) else { break };
                started.push(id);
                n += 1;
            }
        }
        // Stability: the set runs its computed count, all healthy, nothing pending or stopping.
        let (mut running_healthy, mut other) = (0, 0);
        for t in service_tasks(s, cluster, name).filter(|t| matches!(&t.owner, TaskOwner::TaskSet { task_set_id, .. } if *task_set_id == set_id)) {
            if t.last_status == TaskStatus::Stopped {
                continue;
            }
            if task_healthy(s, t) {
                running_healthy += 1;
            } else {
                other += 1;
            }
        }
        let stable = running_healthy == want && other == 0;
        let svc = s.state.ecs.services.get_mut(&skey).expect("exists");
        if !started.is_empty() {
            svc.event(
                now,
                format!(
                    "(service {name}, taskSet {set_id}) has started {} tasks: {}.",
                    started.len(),
                    started
                        .iter()
                        .map(|i| format!("(task {i})"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            );
        }
        let Some(ts) = svc.task_set_mut(&set_id) else {
            continue;
        };
        if ts.stable != stable {
            ts.stable = stable;
            ts.stability_status_at = now;
            ts.updated_at = now;
            if stable {
                svc.event(
                    now,
                    format!("(service {name}, taskSet {set_id}) updated state to STEADY_STATE."),
                );
            }
        }
        // A draining set leaves once its last task has stopped.
        let ts = svc.task_set(&set_id).expect("exists");
        if ts.status == TaskSetStatus::Draining && running_healthy + other == 0 {
            svc.task_sets.retain(|t| t.id != set_id);
        }
    }
}

fn finish_draining_and_steady_state(s: &mut Scope<'_>, cluster: &str, name: &str) {
    let skey = (cluster.to_owned(), name.to_owned());
    let (running, pending, unstopped) = counts(s, cluster, name);
    let now = s.now;
    let Some(svc) = s.state.ecs.services.get_mut(&skey) else {
        return;
    };
    if svc.status == ServiceStatus::Draining && unstopped == 0 {
        svc.status = ServiceStatus::Inactive;
        svc.task_sets.clear();
        svc.deployments.clear();
        return;
    }
    let steady = svc.status == ServiceStatus::Active
        && pending == 0
        && running == svc.desired_count
        && running == unstopped
        && match svc.controller {
            Controller::Ecs => {
                svc.deployments.len() == 1
                    && svc.deployments[0].rollout_state == RolloutState::Completed
            }
            _ => svc.task_sets.iter().all(|t| t.stable),
        };
    if steady && !svc.steady {
        svc.event(now, format!("(service {name}) has reached a steady state."));
    }
    svc.steady = steady;
}

/// (runningCount, pendingCount, tasks not yet STOPPED) of a service.
pub fn counts(s: &Scope<'_>, cluster: &str, name: &str) -> (i32, i32, i32) {
    let (mut running, mut pending, mut unstopped) = (0, 0, 0);
    for t in service_tasks(s, cluster, name) {
        if t.last_status != TaskStatus::Stopped {
            unstopped += 1;
        }
        if t.last_status == TaskStatus::Running {
            running += 1;
        } else if t.last_status.is_pending() {
            pending += 1;
        }
    }
    (running, pending, unstopped)
}

/// (runningCount, pendingCount) of one task set.
pub fn task_set_counts(s: &Scope<'_>, cluster: &str, name: &str, set_id: &str) -> (i32, i32) {
    let (mut running, mut pending) = (0, 0);
    for t in service_tasks(s, cluster, name).filter(
        |t| matches!(&t.owner, TaskOwner::TaskSet { task_set_id, .. } if task_set_id == set_id),
    ) {
        if t.last_status == TaskStatus::Running {
            running += 1;
        } else if t.last_status.is_pending() {
            pending += 1;
        }
    }
    (running, pending)
}

/// (runningCount, pendingCount) of one ECS-controller deployment.
pub fn deployment_counts(s: &Scope<'_>, cluster: &str, name: &str, deployment: &str) -> (i32, i32) {
    let (mut running, mut pending) = (0, 0);
    for t in service_tasks(s, cluster, name).filter(|t| matches!(&t.owner, TaskOwner::Deployment { deployment_id, .. } if deployment_id == deployment)) {
        if t.last_status == TaskStatus::Running {
            running += 1;
        } else if t.last_status.is_pending() {
            pending += 1;
        }
    }
    (running, pending)
}

//! Task-set transitions shared by the task-set API (EXTERNAL services) and the CodeDeploy
//! engine (CODE_DEPLOY services): create, scale, promote to PRIMARY, delete (DRAINING, then
//! gone once its tasks have stopped).

use serde_json::Value;

use super::scheduler;
use super::services::{task_set_arn, LoadBalancerRef, TaskSet, TaskSetStatus};
use super::Tag;
use crate::world::Scope;

pub struct NewTaskSet {
    pub task_definition: String,
    pub external_id: Option<String>,
    pub started_by: Option<String>,
    pub launch_type: Option<String>,
    pub platform_version: Option<String>,
    pub network_configuration: Option<Value>,
    pub load_balancers: Vec<LoadBalancerRef>,
    pub scale: f64,
    pub tags: Vec<Tag>,
}

/// Adds an ACTIVE task set to a service and starts its tasks; returns its id.
pub fn create(s: &mut Scope<'_>, cluster: &str, service: &str, spec: NewTaskSet) -> Option<String> {
    let now = s.now;
    let key = (cluster.to_owned(), service.to_owned());
    let svc = s.state.ecs.services.get_mut(&key)?;
    let id = crate::ids::ecs_svc_id();
    let primary_exists = svc
        .task_sets
        .iter()
        .any(|t| t.status == TaskSetStatus::Primary);
    svc.task_sets.push(TaskSet {
        arn: task_set_arn(&s.pk.region, &s.pk.account, cluster, service, &id),
        id: id.clone(),
        started_by: spec.started_by,
        external_id: spec.external_id,
        status: if primary_exists {
            TaskSetStatus::Active
        } else {
            TaskSetStatus::Primary
        },
        task_definition: spec.task_definition,
        scale: spec.scale,
        created_at: now,
        updated_at: now,
        launch_type: spec.launch_type,
        platform_version: spec.platform_version,
        network_configuration: spec.network_configuration,
        load_balancers: spec.load_balancers,
        stable: false,
        stability_status_at: now,
        tags: spec.tags,
    });
    svc.steady = false;
    scheduler::reconcile_service(s, cluster, service);
    Some(id)
}

/// Sets a task set's scale (percent of the service's desired count).
pub fn set_scale(s: &mut Scope<'_>, cluster: &str, service: &str, set: &str, scale: f64) -> bool {
    let now = s.now;
    let Some(svc) = s
        .state
        .ecs
        .services
        .get_mut(&(cluster.to_owned(), service.to_owned()))
    else {
        return false;
    };
    let Some(ts) = svc.task_set_mut(set) else {
        return false;
    };
    ts.scale = scale;
    ts.updated_at = now;
    scheduler::reconcile_service(s, cluster, service);
    true
}

/// Makes a task set PRIMARY; the previous primary becomes ACTIVE.
pub fn set_primary(s: &mut Scope<'_>, cluster: &str, service: &str, set: &str) -> bool {
    let now = s.now;
    let Some(svc) = s
        .state
        .ecs
        .services
        .get_mut(&(cluster.to_owned(), service.to_owned()))
    else {
        return false;
    };
    if svc.task_set(set).is_none() {
        return false;
    }
    for ts in &mut svc.task_sets {
        let target = ts.id == set || ts.arn == set;
        if target && ts.status != TaskSetStatus::Primary {
            ts.status = TaskSetStatus::Primary;
            ts.updated_at = now;
        } else if !target && ts.status == TaskSetStatus::Primary {
            ts.status = TaskSetStatus::Active;
            ts.updated_at = now;
        }
    }
    true
}

/// Starts deleting a task set: DRAINING, its tasks stop, then it leaves the service.
pub fn delete(s: &mut Scope<'_>, cluster: &str, service: &str, set: &str) -> bool {
    let now = s.now;
    let Some(svc) = s
        .state
        .ecs
        .services
        .get_mut(&(cluster.to_owned(), service.to_owned()))
    else {
        return false;
    };
    let Some(ts) = svc.task_set_mut(set) else {
        return false;
    };
    ts.status = TaskSetStatus::Draining;
    ts.updated_at = now;
    let id = ts.id.clone();
    svc.event(
        now,
        format!("(service {service}, taskSet {id}) has begun draining connections on its tasks."),
    );
    scheduler::reconcile_service(s, cluster, service);
    true
}

//! The Install lifecycle event: resolves the target-group pair (the replacement goes into the
//! group the PRIMARY task set does not use), checks the AppSpec against ECS, creates the
//! replacement task set, and completes when that set is stable (CodeDeploy user guide, "What
//! happens during an Amazon ECS deployment").

use super::{AppSpec, EventStatus};
use crate::ecs::services::{Controller, LoadBalancerRef, ServiceStatus, TaskSetStatus};
use crate::ecs::task_definitions::TaskDefinitionStatus;
use crate::ecs::task_sets::{self, NewTaskSet};
use crate::elbv2::listeners::set_default_actions;
use crate::event::DeploymentTimer;
use crate::world::Scope;

use super::engine::*;

/// Resolves the pair, checks the AppSpec against ECS, creates the replacement task set.
pub(crate) fn install(s: &mut Scope<'_>, id: &str, i: usize) -> bool {
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

pub(crate) fn d_cluster_service(s: &Scope<'_>, id: &str) -> (String, String) {
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

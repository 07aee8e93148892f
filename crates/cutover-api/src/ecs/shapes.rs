//! ECS shapes shared by several operations, named after the model's shapes.

use serde::{Deserialize, Serialize};

use cutover_core::ecs::{self as core_ecs, Cluster as CoreCluster};

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl Tag {
    pub fn from_core(t: &core_ecs::Tag) -> Self {
        Tag {
            key: Some(t.key.clone()),
            value: Some(t.value.clone()),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct KeyValuePair {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum ClusterSettingName {
    #[serde(rename = "containerInsights")]
    ContainerInsights,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSetting {
    pub name: Option<ClusterSettingName>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub arn: String,
    pub reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub cluster_arn: String,
    pub cluster_name: String,
    pub status: &'static str,
    pub registered_container_instances_count: i32,
    pub running_tasks_count: i32,
    pub pending_tasks_count: i32,
    pub active_services_count: i32,
    pub statistics: Vec<KeyValuePair>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    pub settings: Vec<KeyValuePair>,
    pub capacity_providers: Vec<String>,
    pub default_capacity_provider_strategy: Vec<serde_json::Value>,
}

impl Cluster {
    /// `counts`: (running tasks, pending tasks, active services) of the cluster.
    pub fn from_core(c: &CoreCluster, with_tags: bool, counts: (i32, i32, i32)) -> Self {
        Cluster {
            cluster_arn: c.arn.clone(),
            cluster_name: c.name.clone(),
            status: c.status.as_str(),
            registered_container_instances_count: 0,
            running_tasks_count: counts.0,
            pending_tasks_count: counts.1,
            active_services_count: counts.2,
            statistics: Vec::new(),
            tags: with_tags.then(|| c.tags.iter().map(Tag::from_core).collect()),
            settings: c
                .settings
                .iter()
                .map(|(n, v)| KeyValuePair {
                    name: Some(n.clone()),
                    value: Some(v.clone()),
                })
                .collect(),
            capacity_providers: Vec::new(),
            default_capacity_provider_strategy: Vec::new(),
        }
    }
}

/// The empty output of operations without output members (`{}` on the wire).
#[derive(Debug, Clone, Serialize)]
pub struct Empty {}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDefinition {
    pub task_definition_arn: String,
    pub container_definitions: Vec<serde_json::Value>,
    pub family: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_role_arn: Option<String>,
    pub network_mode: String,
    pub revision: u32,
    pub status: &'static str,
    pub requires_attributes: Vec<serde_json::Value>,
    pub compatibilities: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requires_compatibilities: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    pub registered_at: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deregistered_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_requested_at: Option<f64>,
    pub registered_by: String,
    /// `volumes`, `placementConstraints` and the other members passed through.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl TaskDefinition {
    pub fn from_core(t: &core_ecs::TaskDefinition) -> Self {
        let s = &t.spec;
        TaskDefinition {
            task_definition_arn: t.arn.clone(),
            container_definitions: s.containers.iter().map(|c| c.document.clone()).collect(),
            family: s.family.clone(),
            task_role_arn: s.task_role_arn.clone(),
            execution_role_arn: s.execution_role_arn.clone(),
            network_mode: s.network_mode.clone(),
            revision: t.revision,
            status: t.status.as_str(),
            requires_attributes: Vec::new(),
            compatibilities: s.compatibilities.clone(),
            requires_compatibilities: s.requires_compatibilities.clone(),
            cpu: s.cpu.clone(),
            memory: s.memory.clone(),
            registered_at: t.registered_at.as_secs_f64(),
            deregistered_at: t.deregistered_at.map(|v| v.as_secs_f64()),
            delete_requested_at: t.delete_requested_at.map(|v| v.as_secs_f64()),
            registered_by: t.registered_by.clone(),
            extra: s.extra.clone(),
        }
    }
}

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
    pub fn from_core(c: &CoreCluster, with_tags: bool) -> Self {
        Cluster {
            cluster_arn: c.arn.clone(),
            cluster_name: c.name.clone(),
            status: c.status.as_str(),
            registered_container_instances_count: 0,
            running_tasks_count: 0,
            pending_tasks_count: 0,
            active_services_count: 0,
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

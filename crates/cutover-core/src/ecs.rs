//! ECS state: clusters, task definitions ([`task_definitions`]) and resource tags ([`tags`])
//! (services, tasks and task sets come with the scheduler).
//! Follows the ECS API reference for `CreateCluster` / `DeleteCluster` semantics.

use std::collections::BTreeMap;

use crate::VTime;

pub mod reconcile;
pub mod scheduler;
pub mod services;
pub mod tags;
pub mod task_definitions;
pub mod task_sets;
pub mod tasks;

pub use tags::TaggableResource;
pub use task_definitions::{TaskDefinition, TaskDefinitionStatus, TaskDefinitions};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterStatus {
    Active,
    Inactive,
}

impl ClusterStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterStatus::Active => "ACTIVE",
            ClusterStatus::Inactive => "INACTIVE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    pub status: ClusterStatus,
    pub tags: Vec<Tag>,
    /// `containerInsights` and friends, as given (AWS default: containerInsights=disabled).
    pub settings: Vec<(String, String)>,
    pub created_at: VTime,
}

/// A key of [`EcsState::tasks`]: (cluster, task id).
pub type TaskKey = (String, String);

#[derive(Debug, Default)]
pub struct EcsState {
    /// By name: names are unique per account and region, and listing order is by name.
    clusters: BTreeMap<String, Cluster>,
    /// Every revision of every family, with listing indexes.
    pub task_definitions: TaskDefinitions,
    /// By (cluster, service name); listing order is by name within a cluster.
    pub services: BTreeMap<(String, String), services::Service>,
    /// By (cluster, task id), stopped tasks included until they are purged.
    pub tasks: BTreeMap<(String, String), tasks::Task>,
    /// The tasks of each service (cluster, service) → task ids, stopped ones included until purged.
    pub service_tasks:
        std::collections::HashMap<(String, String), std::collections::BTreeSet<TaskKey>>,
    /// Which task owns a target: (target group ARN, target id, port) → (cluster, task id).
    pub targets: std::collections::HashMap<(String, String, i32), (String, String)>,
    /// Counter behind the synthetic private IPs of awsvpc tasks.
    pub next_ip: u32,
}

pub fn cluster_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:ecs:{region}:{account}:cluster/{name}")
}

impl EcsState {
    pub fn has_cluster(&self, name: &str) -> bool {
        self.clusters.contains_key(name)
    }

    pub fn cluster(&self, name: &str) -> Option<&Cluster> {
        self.clusters.get(name)
    }

    pub fn cluster_mut(&mut self, name: &str) -> Option<&mut Cluster> {
        self.clusters.get_mut(name)
    }

    /// Creates a cluster, or returns the existing ACTIVE one (CreateCluster is idempotent).
    /// An INACTIVE cluster of that name is brought back as a new ACTIVE cluster.
    pub fn create_cluster(
        &mut self,
        region: &str,
        account: &str,
        name: &str,
        tags: Vec<Tag>,
        settings: Vec<(String, String)>,
        now: VTime,
    ) -> &Cluster {
        let fresh =
            !matches!(self.clusters.get(name), Some(c) if c.status == ClusterStatus::Active);
        if fresh {
            let settings = if settings.is_empty() {
                vec![("containerInsights".to_owned(), "disabled".to_owned())]
            } else {
                settings
            };
            self.clusters.insert(
                name.to_owned(),
                Cluster {
                    name: name.to_owned(),
                    arn: cluster_arn(region, account, name),
                    status: ClusterStatus::Active,
                    tags,
                    settings,
                    created_at: now,
                },
            );
        }
        &self.clusters[name]
    }

    /// (runningTasksCount, pendingTasksCount, activeServicesCount) of a cluster.
    pub fn cluster_counts(&self, name: &str) -> (i32, i32, i32) {
        use std::ops::Bound::{Included, Unbounded};
        let (mut running, mut pending) = (0, 0);
        for (_, t) in self
            .tasks
            .range((Included((name.to_owned(), String::new())), Unbounded))
            .take_while(|((c, _), _)| c == name)
        {
            if t.last_status == tasks::TaskStatus::Running {
                running += 1;
            } else if t.last_status.is_pending() {
                pending += 1;
            }
        }
        let services = self
            .services
            .range((Included((name.to_owned(), String::new())), Unbounded))
            .take_while(|((c, _), _)| c == name)
            .filter(|(_, v)| v.status == services::ServiceStatus::Active)
            .count() as i32;
        (running, pending, services)
    }

    /// Marks a cluster INACTIVE (it stays describable, as on AWS).
    pub fn delete_cluster(&mut self, name: &str) -> Option<&Cluster> {
        let c = self.clusters.get_mut(name)?;
        c.status = ClusterStatus::Inactive;
        Some(c)
    }

    /// A page of ACTIVE clusters whose name sorts after `after`; the bool says whether more remain.
    /// Cost is proportional to the page (plus skipped INACTIVE entries), not to all clusters.
    pub fn list_clusters(&self, after: Option<&str>, limit: usize) -> (Vec<&Cluster>, bool) {
        use std::ops::Bound::{Excluded, Unbounded};
        let lower = after.map_or(Unbounded, Excluded);
        let mut it = self
            .clusters
            .range::<str, _>((lower, Unbounded))
            .map(|(_, c)| c)
            .filter(|c| c.status == ClusterStatus::Active);
        let page: Vec<&Cluster> = it.by_ref().take(limit).collect();
        let more = it.next().is_some();
        (page, more)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_is_idempotent_and_delete_keeps_it_describable() {
        let mut s = EcsState::default();
        let arn = s
            .create_cluster("us-east-1", "1", "a", vec![], vec![], VTime(5))
            .arn
            .clone();
        assert_eq!(arn, "arn:aws:ecs:us-east-1:1:cluster/a");
        s.create_cluster("us-east-1", "1", "a", vec![], vec![], VTime(9));
        assert_eq!(s.cluster("a").unwrap().created_at, VTime(5));
        assert_eq!(s.cluster("a").unwrap().settings[0].0, "containerInsights");
        s.delete_cluster("a");
        assert_eq!(s.cluster("a").unwrap().status, ClusterStatus::Inactive);
        assert!(s.list_clusters(None, 10).0.is_empty());
        s.create_cluster("us-east-1", "1", "a", vec![], vec![], VTime(11));
        assert_eq!(s.cluster("a").unwrap().created_at, VTime(11));
    }

    #[test]
    fn list_pages() {
        let mut s = EcsState::default();
        for n in ["c", "a", "b", "d"] {
            s.create_cluster("r", "1", n, vec![], vec![], VTime(0));
        }
        s.delete_cluster("c");
        let (p, more) = s.list_clusters(None, 2);
        assert_eq!(
            p.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(more);
        let (p, more) = s.list_clusters(Some("b"), 2);
        assert_eq!(p.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["d"]);
        assert!(!more);
    }
}

//! ECS resource tags: which resource an ARN names ([`TaggableResource`]), where its tags live,
//! and the merge/remove rules of `TagResource` / `UntagResource`. New taggable kinds (services,
//! tasks, task sets) add a variant here and an arm in [`EcsState::tags`] / [`EcsState::tags_mut`].

use super::{ClusterStatus, EcsState, Tag, TaskDefinitionStatus};

/// The most tags an ECS resource can carry.
pub const MAX_TAGS: usize = 50;

/// An ECS resource that can carry tags, as named by its ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaggableResource {
    Cluster(String),
    TaskDefinition {
        family: String,
        revision: u32,
    },
    /// `service/{cluster}/{name}`.
    Service {
        cluster: String,
        name: String,
    },
    /// `task/{cluster}/{id}`.
    Task {
        cluster: String,
        id: String,
    },
    /// `task-set/{cluster}/{service}/{id}` (the id is `ecs-svc/…`).
    TaskSet {
        cluster: String,
        service: String,
        id: String,
    },
    /// A well-formed ECS ARN of a kind this emulator does not hold (container instances,
    /// capacity providers): such a resource cannot exist here.
    Unsupported(String),
}

/// Why an ARN does not name a resource of this partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnProblem {
    /// Not an ECS ARN, or not of a resource type ECS tags.
    Invalid,
    /// An ECS ARN of another account or region: nothing of it is visible here.
    OtherPartition(TaggableResource),
}

impl TaggableResource {
    /// Resolves `arn:aws:ecs:{region}:{account}:{type}/{id}` against this partition.
    pub fn from_arn(arn: &str, region: &str, account: &str) -> Result<Self, ArnProblem> {
        let mut parts = arn.splitn(6, ':');
        let fields: Vec<&str> = parts.by_ref().collect();
        let [prefix, partition, service, r, a, resource] = fields[..] else {
            return Err(ArnProblem::Invalid);
        };
        if prefix != "arn" || partition.is_empty() || service != "ecs" {
            return Err(ArnProblem::Invalid);
        }
        let (kind, id) = resource.split_once('/').ok_or(ArnProblem::Invalid)?;
        if id.is_empty() {
            return Err(ArnProblem::Invalid);
        }
        let found = match kind {
            "cluster" => TaggableResource::Cluster(id.to_owned()),
            "task-definition" => {
                let (family, rev) = id.rsplit_once(':').ok_or(ArnProblem::Invalid)?;
                let revision = rev.parse().map_err(|_| ArnProblem::Invalid)?;
                TaggableResource::TaskDefinition {
                    family: family.to_owned(),
                    revision,
                }
            }
            "service" => {
                let (cluster, name) = id.split_once('/').ok_or(ArnProblem::Invalid)?;
                TaggableResource::Service {
                    cluster: cluster.to_owned(),
                    name: name.to_owned(),
                }
            }
            "task" => {
                let (cluster, id) = id.split_once('/').ok_or(ArnProblem::Invalid)?;
                TaggableResource::Task {
                    cluster: cluster.to_owned(),
                    id: id.to_owned(),
                }
            }
            "task-set" => {
                let mut p = id.splitn(3, '/');
                let (Some(cluster), Some(service), Some(set)) = (p.next(), p.next(), p.next())
                else {
                    return Err(ArnProblem::Invalid);
                };
                TaggableResource::TaskSet {
                    cluster: cluster.to_owned(),
                    service: service.to_owned(),
                    id: set.to_owned(),
                }
            }
            "container-instance" | "capacity-provider" => {
                TaggableResource::Unsupported(kind.to_owned())
            }
            _ => return Err(ArnProblem::Invalid),
        };
        if r != region || a != account {
            return Err(ArnProblem::OtherPartition(found));
        }
        Ok(found)
    }
}

impl EcsState {
    /// The tags of a live resource (clusters must be ACTIVE; task definitions until deleted).
    pub fn tags(&self, r: &TaggableResource) -> Option<&[Tag]> {
        match r {
            TaggableResource::Cluster(name) => self
                .clusters
                .get(name)
                .filter(|c| c.status == ClusterStatus::Active)
                .map(|c| c.tags.as_slice()),
            TaggableResource::TaskDefinition { family, revision } => self
                .task_definitions
                .get(family, *revision)
                .filter(|t| t.status != TaskDefinitionStatus::DeleteInProgress)
                .map(|t| t.tags.as_slice()),
            TaggableResource::Service { cluster, name } => self
                .services
                .get(&(cluster.clone(), name.clone()))
                .filter(|v| v.status != super::services::ServiceStatus::Inactive)
                .map(|v| v.tags.as_slice()),
            TaggableResource::Task { cluster, id } => self
                .tasks
                .get(&(cluster.clone(), id.clone()))
                .map(|t| t.tags.as_slice()),
            TaggableResource::TaskSet {
                cluster,
                service,
                id,
            } => self
                .services
                .get(&(cluster.clone(), service.clone()))
                .and_then(|v| v.task_set(id))
                .map(|t| t.tags.as_slice()),
            TaggableResource::Unsupported(_) => None,
        }
    }

    pub fn tags_mut(&mut self, r: &TaggableResource) -> Option<&mut Vec<Tag>> {
        match r {
            TaggableResource::Cluster(name) => self
                .clusters
                .get_mut(name)
                .filter(|c| c.status == ClusterStatus::Active)
                .map(|c| &mut c.tags),
            TaggableResource::TaskDefinition { family, revision } => self
                .task_definitions
                .get_mut(family, *revision)
                .filter(|t| t.status != TaskDefinitionStatus::DeleteInProgress)
                .map(|t| &mut t.tags),
            TaggableResource::Service { cluster, name } => self
                .services
                .get_mut(&(cluster.clone(), name.clone()))
                .filter(|v| v.status != super::services::ServiceStatus::Inactive)
                .map(|v| &mut v.tags),
            TaggableResource::Task { cluster, id } => self
                .tasks
                .get_mut(&(cluster.clone(), id.clone()))
                .map(|t| &mut t.tags),
            TaggableResource::TaskSet {
                cluster,
                service,
                id,
            } => self
                .services
                .get_mut(&(cluster.clone(), service.clone()))
                .and_then(|v| v.task_set_mut(id))
                .map(|t| &mut t.tags),
            TaggableResource::Unsupported(_) => None,
        }
    }
}

/// How many tags `existing` would hold after merging `new` (same key = overwrite).
pub fn merged_len(existing: &[Tag], new: &[Tag]) -> usize {
    let mut keys: Vec<&str> = existing.iter().map(|t| t.key.as_str()).collect();
    for t in new {
        if !keys.contains(&t.key.as_str()) {
            keys.push(&t.key);
        }
    }
    keys.len()
}

/// `TagResource`: a tag with an existing key replaces its value, in place; new keys append.
pub fn merge(existing: &mut Vec<Tag>, new: Vec<Tag>) {
    for t in new {
        match existing.iter_mut().find(|e| e.key == t.key) {
            Some(e) => e.value = t.value,
            None => existing.push(t),
        }
    }
}

/// `UntagResource`: removes the keys present; absent keys are ignored.
pub fn remove(existing: &mut Vec<Tag>, keys: &[String]) {
    existing.retain(|t| !keys.contains(&t.key));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::task_definitions::TaskDefinitionSpec;
    use crate::VTime;

    fn tag(k: &str, v: &str) -> Tag {
        Tag {
            key: k.to_owned(),
            value: v.to_owned(),
        }
    }

    #[test]
    fn arns_resolve_to_resources() {
        let p = |a: &str| TaggableResource::from_arn(a, "us-east-1", "1");
        assert_eq!(
            p("arn:aws:ecs:us-east-1:1:cluster/web"),
            Ok(TaggableResource::Cluster("web".into()))
        );
        assert_eq!(
            p("arn:aws:ecs:us-east-1:1:task-definition/web:3"),
            Ok(TaggableResource::TaskDefinition {
                family: "web".into(),
                revision: 3
            })
        );
        assert_eq!(
            p("arn:aws:ecs:us-east-1:1:service/c/s"),
            Ok(TaggableResource::Service {
                cluster: "c".into(),
                name: "s".into()
            })
        );
        assert_eq!(
            p("arn:aws:ecs:us-east-1:1:task-set/c/s/ecs-svc/123"),
            Ok(TaggableResource::TaskSet {
                cluster: "c".into(),
                service: "s".into(),
                id: "ecs-svc/123".into()
            })
        );
        assert_eq!(
            p("arn:aws:ecs:us-east-1:1:container-instance/c/x"),
            Ok(TaggableResource::Unsupported("container-instance".into()))
        );
        assert_eq!(
            p("arn:aws:ecs:eu-west-1:1:cluster/web"),
            Err(ArnProblem::OtherPartition(TaggableResource::Cluster(
                "web".into()
            )))
        );
        for bad in [
            "web",
            "arn:aws:ecs:us-east-1:1:cluster",
            "arn:aws:ecs:us-east-1:1:cluster/",
            "arn:aws:ecs:us-east-1:1:task-definition/web",
            "arn:aws:ecs:us-east-1:1:task-definition/web:x",
            "arn:aws:ecs:us-east-1:1:widget/x",
            "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/1",
        ] {
            assert_eq!(p(bad), Err(ArnProblem::Invalid), "{bad}");
        }
    }

    #[test]
    fn merge_overwrites_and_remove_ignores_absent() {
        let mut tags = vec![tag("a", "1"), tag("b", "2")];
        assert_eq!(merged_len(&tags, &[tag("b", "x"), tag("c", "3")]), 3);
        merge(&mut tags, vec![tag("b", "x"), tag("c", "3")]);
        assert_eq!(tags, [tag("a", "1"), tag("b", "x"), tag("c", "3")]);
        remove(&mut tags, &["a".into(), "zz".into()]);
        assert_eq!(tags, [tag("b", "x"), tag("c", "3")]);
    }

    #[test]
    fn resources_hold_tags_while_live() {
        let mut s = EcsState::default();
        s.create_cluster("r", "1", "c", vec![tag("k", "v")], vec![], VTime(0));
        let c = TaggableResource::Cluster("c".into());
        assert_eq!(s.tags(&c).unwrap(), [tag("k", "v")]);
        s.delete_cluster("c");
        assert!(s.tags(&c).is_none());
        let spec = TaskDefinitionSpec {
            family: "f".into(),
            containers: vec![],
            network_mode: "bridge".into(),
            requires_compatibilities: vec![],
            compatibilities: vec![],
            cpu: None,
            memory: None,
            task_role_arn: None,
            execution_role_arn: None,
            extra: Default::default(),
        };
        s.task_definitions
            .register("r", "1", spec, vec![], VTime(0));
        let td = TaggableResource::TaskDefinition {
            family: "f".into(),
            revision: 1,
        };
        s.tags_mut(&td).unwrap().push(tag("a", "b"));
        assert_eq!(s.tags(&td).unwrap(), [tag("a", "b")]);
        assert!(s
            .tags(&TaggableResource::TaskDefinition {
                family: "f".into(),
                revision: 2
            })
            .is_none());
    }
}

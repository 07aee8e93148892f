//! CodeDeploy state: applications (deployment groups, configs and the blue/green engine come
//! later). Follows the CodeDeploy API reference.

use std::collections::BTreeMap;

use crate::ecs::Tag;
use crate::VTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComputePlatform {
    Server,
    Lambda,
    Ecs,
}

impl ComputePlatform {
    pub fn as_str(self) -> &'static str {
        match self {
            ComputePlatform::Server => "Server",
            ComputePlatform::Lambda => "Lambda",
            ComputePlatform::Ecs => "ECS",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Server" => Some(ComputePlatform::Server),
            "Lambda" => Some(ComputePlatform::Lambda),
            "ECS" => Some(ComputePlatform::Ecs),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Application {
    pub name: String,
    pub id: String,
    pub compute_platform: ComputePlatform,
    pub created_at: VTime,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Default)]
pub struct CodeDeployState {
    applications: BTreeMap<String, Application>,
}

pub fn application_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:codedeploy:{region}:{account}:application:{name}")
}

impl CodeDeployState {
    pub fn application(&self, name: &str) -> Option<&Application> {
        self.applications.get(name)
    }

    /// Inserts a new application; `None` when the name is taken.
    pub fn create_application(
        &mut self,
        name: &str,
        compute_platform: ComputePlatform,
        tags: Vec<Tag>,
        now: VTime,
    ) -> Option<&Application> {
        if self.applications.contains_key(name) {
            return None;
        }
        self.applications.insert(
            name.to_owned(),
            Application {
                name: name.to_owned(),
                id: crate::ids::uuid(),
                compute_platform,
                created_at: now,
                tags,
            },
        );
        self.applications.get(name)
    }

    pub fn delete_application(&mut self, name: &str) -> Option<Application> {
        self.applications.remove(name)
    }

    /// Application names sorting after `after`, at most `limit`; the bool says whether more remain.
    pub fn list_applications(&self, after: Option<&str>, limit: usize) -> (Vec<&str>, bool) {
        use std::ops::Bound::{Excluded, Unbounded};
        let lower = after.map_or(Unbounded, Excluded);
        let mut it = self
            .applications
            .range::<str, _>((lower, Unbounded))
            .map(|(k, _)| k.as_str());
        let page: Vec<&str> = it.by_ref().take(limit).collect();
        let more = it.next().is_some();
        (page, more)
    }
}

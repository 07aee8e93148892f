//! Listeners, rules and actions. Creating a listener creates its default rule; the default
//! rule's actions are the listener's default actions (one list, kept in the listener). Every
//! forward action is counted in its target groups' `lb_refs`, which decides whether a group is
//! in use.

use super::prefix_range;
use super::target_groups::add_lb_ref;
use crate::ecs::Tag;
use crate::world::Scope;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightedGroup {
    pub arn: String,
    pub weight: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionKind {
    Forward {
        groups: Vec<WeightedGroup>,
        stickiness_enabled: bool,
        stickiness_duration: Option<i32>,
    },
    Redirect {
        protocol: Option<String>,
        port: Option<String>,
        host: Option<String>,
        path: Option<String>,
        query: Option<String>,
        status_code: String,
    },
    FixedResponse {
        status_code: String,
        content_type: Option<String>,
        message_body: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub kind: ActionKind,
    pub order: Option<i32>,
}

impl Action {
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            ActionKind::Forward { .. } => "forward",
            ActionKind::Redirect { .. } => "redirect",
            ActionKind::FixedResponse { .. } => "fixed-response",
        }
    }

    pub fn target_group_arns(&self) -> impl Iterator<Item = &str> {
        let groups: &[WeightedGroup] = match &self.kind {
            ActionKind::Forward { groups, .. } => groups,
            _ => &[],
        };
        groups.iter().map(|g| g.arn.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub field: String,
    pub values: Vec<String>,
    pub http_header_name: Option<String>,
    /// `query-string` key/value pairs (key optional).
    pub query: Vec<(Option<String>, String)>,
}

#[derive(Debug, Clone)]
pub struct Listener {
    pub arn: String,
    pub lb_arn: String,
    pub port: Option<i32>,
    pub protocol: Option<String>,
    pub default_actions: Vec<Action>,
    pub certificates: Vec<String>,
    pub ssl_policy: Option<String>,
    pub alpn_policy: Vec<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub arn: String,
    pub listener_arn: String,
    /// `None` for the default rule.
    pub priority: Option<i32>,
    pub conditions: Vec<Condition>,
    /// Empty for the default rule: its actions are the listener's default actions.
    pub actions: Vec<Action>,
    pub tags: Vec<Tag>,
}

impl Rule {
    pub fn is_default(&self) -> bool {
        self.priority.is_none()
    }
}

/// `…:loadbalancer/app/NAME/ID` → `…:listener/app/NAME/ID/` (the ARN prefix of its listeners).
pub fn listener_prefix_of_lb(lb_arn: &str) -> String {
    let mut p = lb_arn.replacen(":loadbalancer/", ":listener/", 1);
    p.push('/');
    p
}

/// `…:listener/app/NAME/ID/LID` → `…:listener-rule/app/NAME/ID/LID/`.
pub fn rule_prefix_of_listener(listener_arn: &str) -> String {
    let mut p = listener_arn.replacen(":listener/", ":listener-rule/", 1);
    p.push('/');
    p
}

impl super::Elbv2State {
    pub fn listener(&self, arn: &str) -> Option<&Listener> {
        self.listeners.get(arn)
    }

    pub fn listener_mut(&mut self, arn: &str) -> Option<&mut Listener> {
        self.listeners.get_mut(arn)
    }

    pub fn rule(&self, arn: &str) -> Option<&Rule> {
        self.rules.get(arn)
    }

    pub fn rule_mut(&mut self, arn: &str) -> Option<&mut Rule> {
        self.rules.get_mut(arn)
    }

    /// A page of a load balancer's listeners after ARN `after`.
    pub fn listeners_of(
        &self,
        lb_arn: &str,
        after: Option<&str>,
        limit: usize,
    ) -> (Vec<&Listener>, bool) {
        let prefix = listener_prefix_of_lb(lb_arn);
        let mut it = prefix_range(&self.listeners, &prefix, after).map(|(_, l)| l);
        let items: Vec<&Listener> = it.by_ref().take(limit).collect();
        let more = it.next().is_some();
        (items, more)
    }

    /// A listener's rules: by priority, the default rule last.
    pub fn rules_of(&self, listener_arn: &str) -> Vec<&Rule> {
        let prefix = rule_prefix_of_listener(listener_arn);
        let mut rules: Vec<&Rule> = prefix_range(&self.rules, &prefix, None)
            .map(|(_, r)| r)
            .collect();
        rules.sort_by_key(|r| r.priority.unwrap_or(i32::MAX));
        rules
    }

    /// Whether any listener or rule forwards to this target group.
    pub fn is_target_group_referenced(&self, tg_arn: &str) -> bool {
        self.target_group_by_arn(tg_arn)
            .is_some_and(|tg| tg.in_use())
    }

    /// The actions a rule runs (the listener's default actions for the default rule).
    pub fn rule_actions<'a>(&'a self, rule: &'a Rule) -> &'a [Action] {
        if rule.is_default() {
            self.listeners
                .get(&rule.listener_arn)
                .map_or(&[], |l| &l.default_actions)
        } else {
            &rule.actions
        }
    }
}

fn count_refs(s: &mut Scope<'_>, lb_arn: &str, actions: &[Action], delta: i32) {
    let arns: Vec<String> = actions
        .iter()
        .flat_map(|a| a.target_group_arns())
        .map(str::to_owned)
        .collect();
    for tg in arns {
        add_lb_ref(s, &tg, lb_arn, delta);
    }
}

pub struct NewListener {
    pub lb_arn: String,
    pub port: Option<i32>,
    pub protocol: Option<String>,
    pub default_actions: Vec<Action>,
    pub certificates: Vec<String>,
    pub ssl_policy: Option<String>,
    pub alpn_policy: Vec<String>,
    pub tags: Vec<Tag>,
}

/// Creates a listener and its default rule.
pub fn create_listener(s: &mut Scope<'_>, spec: NewListener) -> Listener {
    let arn = format!(
        "{}{}",
        listener_prefix_of_lb(&spec.lb_arn),
        crate::ids::hex(16)
    );
    let listener = Listener {
        arn: arn.clone(),
        lb_arn: spec.lb_arn.clone(),
        port: spec.port,
        protocol: spec.protocol,
        default_actions: spec.default_actions,
        certificates: spec.certificates,
        ssl_policy: spec.ssl_policy,
        alpn_policy: spec.alpn_policy,
        tags: spec.tags,
    };
    count_refs(s, &spec.lb_arn, &listener.default_actions, 1);
    let rule_arn = format!("{}{}", rule_prefix_of_listener(&arn), crate::ids::hex(16));
    s.state.elbv2.rules.insert(
        rule_arn.clone(),
        Rule {
            arn: rule_arn,
            listener_arn: arn.clone(),
            priority: None,
            conditions: Vec::new(),
            actions: Vec::new(),
            tags: Vec::new(),
        },
    );
    s.state.elbv2.listeners.insert(arn, listener.clone());
    listener
}

/// Replaces a listener's default actions (the call CodeDeploy uses to shift traffic).
pub fn set_default_actions(s: &mut Scope<'_>, listener_arn: &str, actions: Vec<Action>) {
    let Some(l) = s.state.elbv2.listeners.get(listener_arn) else {
        return;
    };
    let lb_arn = l.lb_arn.clone();
    let old = l.default_actions.clone();
    count_refs(s, &lb_arn, &actions, 1);
    count_refs(s, &lb_arn, &old, -1);
    if let Some(l) = s.state.elbv2.listeners.get_mut(listener_arn) {
        l.default_actions = actions;
    }
}

/// Deletes a listener and its rules.
pub fn delete_listener(s: &mut Scope<'_>, arn: &str) -> Option<Listener> {
    let l = s.state.elbv2.listeners.remove(arn)?;
    count_refs(s, &l.lb_arn, &l.default_actions, -1);
    let rule_arns: Vec<String> =
        prefix_range(&s.state.elbv2.rules, &rule_prefix_of_listener(arn), None)
            .map(|(k, _)| k.clone())
            .collect();
    for r in rule_arns {
        if let Some(rule) = s.state.elbv2.rules.remove(&r) {
            count_refs(s, &l.lb_arn, &rule.actions, -1);
        }
    }
    Some(l)
}

/// Creates a (non-default) rule.
pub fn create_rule(
    s: &mut Scope<'_>,
    listener_arn: &str,
    priority: i32,
    conditions: Vec<Condition>,
    actions: Vec<Action>,
    tags: Vec<Tag>,
) -> Option<Rule> {
    let lb_arn = s.state.elbv2.listeners.get(listener_arn)?.lb_arn.clone();
    let arn = format!(
        "{}{}",
        rule_prefix_of_listener(listener_arn),
        crate::ids::hex(16)
    );
    count_refs(s, &lb_arn, &actions, 1);
    let rule = Rule {
        arn: arn.clone(),
        listener_arn: listener_arn.to_owned(),
        priority: Some(priority),
        conditions,
        actions,
        tags,
    };
    s.state.elbv2.rules.insert(arn, rule.clone());
    Some(rule)
}

/// Replaces a rule's conditions and/or actions (for the default rule: the listener's default
/// actions).
pub fn modify_rule(
    s: &mut Scope<'_>,
    rule_arn: &str,
    conditions: Option<Vec<Condition>>,
    actions: Option<Vec<Action>>,
) {
    let Some(rule) = s.state.elbv2.rules.get(rule_arn) else {
        return;
    };
    let listener_arn = rule.listener_arn.clone();
    if rule.is_default() {
        if let Some(a) = actions {
            set_default_actions(s, &listener_arn, a);
        }
        return;
    }
    let Some(lb_arn) = s
        .state
        .elbv2
        .listeners
        .get(&listener_arn)
        .map(|l| l.lb_arn.clone())
    else {
        return;
    };
    if let Some(a) = actions {
        let old = std::mem::take(
            &mut s
                .state
                .elbv2
                .rules
                .get_mut(rule_arn)
                .expect("rule exists")
                .actions,
        );
        count_refs(s, &lb_arn, &a, 1);
        count_refs(s, &lb_arn, &old, -1);
        s.state
            .elbv2
            .rules
            .get_mut(rule_arn)
            .expect("rule exists")
            .actions = a;
    }
    if let Some(c) = conditions {
        s.state
            .elbv2
            .rules
            .get_mut(rule_arn)
            .expect("rule exists")
            .conditions = c;
    }
}

/// Deletes a non-default rule.
pub fn delete_rule(s: &mut Scope<'_>, rule_arn: &str) -> Option<Rule> {
    let rule = s.state.elbv2.rules.remove(rule_arn)?;
    if let Some(lb_arn) = s
        .state
        .elbv2
        .listeners
        .get(&rule.listener_arn)
        .map(|l| l.lb_arn.clone())
    {
        count_refs(s, &lb_arn, &rule.actions, -1);
    }
    Some(rule)
}

pub fn set_priority(s: &mut Scope<'_>, rule_arn: &str, priority: i32) {
    if let Some(r) = s.state.elbv2.rules.get_mut(rule_arn) {
        if r.priority.is_some() {
            r.priority = Some(priority);
        }
    }
}

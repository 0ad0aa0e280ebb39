// Our groups in the properties panel: the spiffworkflow extensions the engine reads (processes/README.md).
// Labels come from the page (words, in the user's language); roles, forms, handlers and processes
// from the designer-only endpoint (choices).
import { h } from "@bpmn-io/properties-panel/preact";
import {
  CheckboxEntry, Group, SelectEntry, TextAreaEntry, TextFieldEntry,
  isCheckboxEntryEdited, isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

// ---- reading and writing extension elements -------------------------------------------------

function extensionsOf(bo) {
  const ext = bo.get("extensionElements");
  return ext ? ext.get("values") : [];
}

function extensionOf(bo, type) {
  return extensionsOf(bo).find((value) => is(value, type));
}

function property(bo, name) {
  const props = extensionOf(bo, "spiffworkflow:Properties");
  const found = props && props.get("properties").find((p) => p.name === name);
  return found ? found.value || "" : "";
}

// The element's extension of `type`, made (with extensionElements) when it is missing.
function ensureExtension(element, type, attrs, services) {
  const { modeling, moddle } = services;
  const bo = getBusinessObject(element);
  let ext = bo.get("extensionElements");
  if (!ext) {
    ext = moddle.create("bpmn:ExtensionElements", { values: [] });
    ext.$parent = bo;
    modeling.updateProperties(element, { extensionElements: ext });
  }
  let found = ext.get("values").find((value) => is(value, type));
  if (!found) {
    found = moddle.create(type, attrs || {});
    found.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: [...ext.get("values"), found] });
  }
  return found;
}

function removeExtension(element, type, services) {
  const ext = getBusinessObject(element).get("extensionElements");
  if (!ext) return;
  const kept = ext.get("values").filter((value) => !is(value, type));
  if (kept.length !== ext.get("values").length) {
    services.modeling.updateModdleProperties(element, ext, { values: kept });
  }
}

function setProperty(element, name, value, services) {
  const bo = getBusinessObject(element);
  const { modeling, moddle } = services;
  const existing = extensionOf(bo, "spiffworkflow:Properties");
  const current = existing && existing.get("properties").find((p) => p.name === name);
  if (value === undefined || value === null || value === "") {
    if (current) {
      modeling.updateModdleProperties(element, existing, {
        properties: existing.get("properties").filter((p) => p !== current),
      });
    }
    return;
  }
  if (current) {
    modeling.updateModdleProperties(element, current, { value });
    return;
  }
  const props = ensureExtension(element, "spiffworkflow:Properties", { properties: [] }, services);
  const made = moddle.create("spiffworkflow:Property", { name, value });
  made.$parent = props;
  modeling.updateModdleProperties(element, props, { properties: [...props.get("properties"), made] });
}

function useServices() {
  return { modeling: useService("modeling"), moddle: useService("moddle") };
}

// ---- entries ---------------------------------------------------------------------------------

// A text (or text area) entry bound to one spiffworkflow:property.
function PropertyText(props) {
  const { element, id, name, label, description, validate, area } = props;
  const services = useServices();
  const debounce = useService("debounceInput");
  return h(area ? TextAreaEntry : TextFieldEntry, {
    element, id, label, description, debounce, validate, rows: 3, monospace: area,
    getValue: () => property(getBusinessObject(element), name),
    setValue: (value) => setProperty(element, name, (value || "").trim(), services),
  });
}

function PropertySelect(props) {
  const { element, id, name, label, description, options } = props;
  const services = useServices();
  return h(SelectEntry, {
    element, id, label, description,
    getValue: () => property(getBusinessObject(element), name),
    setValue: (value) => setProperty(element, name, value, services),
    getOptions: () => withCurrent(options, property(getBusinessObject(element), name), props.words),
  });
}

function PropertyCheckbox(props) {
  const { element, id, name, label } = props;
  const services = useServices();
  return h(CheckboxEntry, {
    element, id, label,
    getValue: () => property(getBusinessObject(element), name) === "true",
    setValue: (checked) => setProperty(element, name, checked ? "true" : "", services),
  });
}

// Options with an empty choice first and the element's present value kept even when it is unknown.
function withCurrent(options, current, words) {
  const list = [{ value: "", label: "—" }, ...options];
  if (current && !options.some((o) => o.value === current)) {
    list.push({ value: current, label: current + " (" + words.unknown + ")" });
  }
  return list;
}

function FormLink(props) {
  const { element, words } = props;
  const name = property(getBusinessObject(element), "formJsonSchemaFilename");
  if (!name) return h("span", null, words.formHint);
  return h("a", { href: props.formUrl.replace("__name__", encodeURIComponent(name)), target: "_blank",
    rel: "noopener", class: "studio-form-link" }, words.editForm + " " + name);
}

function LaneRole(props) {
  const { element, id, words, choices } = props;
  const modeling = useService("modeling");
  const options = choices.roles.map((r) => ({ value: r.code, label: r.code + " — " + r.name }));
  return h(SelectEntry, {
    element, id, label: words.role, description: words.roleHint,
    getValue: () => getBusinessObject(element).name || "",
    setValue: (value) => modeling.updateProperties(element, { name: value || undefined }),
    getOptions: () => withCurrent(options, getBusinessObject(element).name || "", words),
  });
}

function operatorOf(element) {
  return extensionOf(getBusinessObject(element), "spiffworkflow:ServiceTaskOperator");
}

function ServiceHandler(props) {
  const { element, id, words, choices } = props;
  const services = useServices();
  const options = choices.services.map((s) => ({ value: s.name, label: s.name }));
  return h(SelectEntry, {
    element, id, label: words.handler,
    description: (choices.services.find((s) => s.name === (operatorOf(element) || {}).id) || {}).doc,
    getValue: () => (operatorOf(element) || {}).id || "",
    setValue: (value) => {
      if (!value) { removeExtension(element, "spiffworkflow:ServiceTaskOperator", services); return; }
      const op = operatorOf(element);
      if (op) { services.modeling.updateModdleProperties(element, op, { id: value }); return; }
      const made = ensureExtension(element, "spiffworkflow:ServiceTaskOperator", { id: value }, services);
      const list = services.moddle.create("spiffworkflow:Parameters", { parameters: [] });
      list.$parent = made;
      services.modeling.updateModdleProperties(element, made, { parameterList: list });
    },
    getOptions: () => withCurrent(options, (operatorOf(element) || {}).id || "", words),
  });
}

function ResultVariable(props) {
  const { element, id, words } = props;
  const modeling = useService("modeling");
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element, id, label: words.resultVariable, description: words.resultVariableHint, debounce,
    getValue: () => (operatorOf(element) || {}).resultVariable || "",
    setValue: (value) => {
      const op = operatorOf(element);
      if (op) modeling.updateModdleProperties(element, op, { resultVariable: value || undefined });
    },
  });
}

function ServiceParameter(props) {
  const { element, id, name, words, doc } = props;
  const services = useServices();
  const debounce = useService("debounceInput");
  const find = () => {
    const op = operatorOf(element);
    const list = op && op.get("parameterList");
    return list && list.get("parameters").find((p) => p.id === name);
  };
  return h(TextFieldEntry, {
    element, id, label: words.parameter + " " + name, description: doc || words.parameterHint, debounce,
    getValue: () => (find() || {}).value || "",
    setValue: (value) => {
      const op = operatorOf(element);
      if (!op) return;
      let list = op.get("parameterList");
      if (!list) {
        list = services.moddle.create("spiffworkflow:Parameters", { parameters: [] });
        list.$parent = op;
        services.modeling.updateModdleProperties(element, op, { parameterList: list });
      }
      const current = find();
      if (!value) {
        if (current) services.modeling.updateModdleProperties(element, list, {
          parameters: list.get("parameters").filter((p) => p !== current) });
      } else if (current) {
        services.modeling.updateModdleProperties(element, current, { value });
      } else {
        const made = services.moddle.create("spiffworkflow:Parameter", { id: name, type: "str", value });
        made.$parent = list;
        services.modeling.updateModdleProperties(element, list, { parameters: [...list.get("parameters"), made] });
      }
    },
  });
}

// A text entry on a plain attribute of the business object (script, calledElement).
function AttributeText(props) {
  const { element, id, attr, label, description, area } = props;
  const modeling = useService("modeling");
  const debounce = useService("debounceInput");
  return h(area ? TextAreaEntry : TextFieldEntry, {
    element, id, label, description, debounce, rows: 6, monospace: area,
    getValue: () => getBusinessObject(element).get(attr) || "",
    setValue: (value) => modeling.updateProperties(element, { [attr]: value || undefined }),
  });
}

function CalledProcess(props) {
  const { element, id, words, choices } = props;
  const modeling = useService("modeling");
  const options = choices.processes.map((p) => ({ value: p.key, label: p.key + " — " + p.name }));
  return h(SelectEntry, {
    element, id, label: words.calledProcess,
    getValue: () => getBusinessObject(element).get("calledElement") || "",
    setValue: (value) => modeling.updateProperties(element, { calledElement: value || undefined }),
    getOptions: () => withCurrent(options, getBusinessObject(element).get("calledElement") || "", words),
  });
}

// The body of a one-text extension element (preScript, postScript, calledDecisionId).
function ExtensionBody(props) {
  const { element, id, type, label, description, area } = props;
  const services = useServices();
  const debounce = useService("debounceInput");
  return h(area ? TextAreaEntry : TextFieldEntry, {
    element, id, label, description, debounce, rows: 4, monospace: area,
    getValue: () => (extensionOf(getBusinessObject(element), type) || {}).value || "",
    setValue: (value) => {
      if (!value) { removeExtension(element, type, services); return; }
      const found = extensionOf(getBusinessObject(element), type);
      if (found) services.modeling.updateModdleProperties(element, found, { value });
      else ensureExtension(element, type, { value }, services);
    },
  });
}

function Condition(props) {
  const { element, id, words } = props;
  const { modeling, moddle } = useServices();
  const debounce = useService("debounceInput");
  return h(TextAreaEntry, {
    element, id, label: words.condition, description: words.conditionHint, debounce, rows: 2, monospace: true,
    getValue: () => (getBusinessObject(element).get("conditionExpression") || {}).body || "",
    setValue: (value) => {
      const expression = value ? moddle.create("bpmn:FormalExpression", { body: value }) : undefined;
      modeling.updateProperties(element, { conditionExpression: expression });
    },
  });
}

function timerOf(element) {
  return (getBusinessObject(element).get("eventDefinitions") || []).find((d) => is(d, "bpmn:TimerEventDefinition"));
}

const TIMER_KINDS = ["timeDuration", "timeDate", "timeCycle"];

function timerKind(timer) {
  return TIMER_KINDS.find((kind) => timer.get(kind) !== undefined) || "";
}

function TimerKind(props) {
  const { element, id, words } = props;
  const { modeling, moddle } = useServices();
  return h(SelectEntry, {
    element, id, label: words.timerKind,
    getValue: () => timerKind(timerOf(element)),
    setValue: (kind) => {
      const timer = timerOf(element);
      const old = timerKind(timer);
      const changes = { timeDuration: undefined, timeDate: undefined, timeCycle: undefined };
      if (kind) {
        changes[kind] = moddle.create("bpmn:FormalExpression", { body: old ? timer.get(old).body : "" });
        changes[kind].$parent = timer;
      }
      modeling.updateModdleProperties(element, timer, changes);
    },
    getOptions: () => [{ value: "", label: "—" }, { value: "timeDuration", label: words.timeDuration },
      { value: "timeDate", label: words.timeDate }, { value: "timeCycle", label: words.timeCycle }],
  });
}

function TimerValue(props) {
  const { element, id, words } = props;
  const { modeling } = useServices();
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element, id, label: words.timerValue, description: words.timerHint, debounce,
    getValue: () => {
      const timer = timerOf(element);
      const kind = timerKind(timer);
      return kind ? timer.get(kind).body || "" : "";
    },
    setValue: (value) => {
      const timer = timerOf(element);
      const kind = timerKind(timer);
      if (kind) modeling.updateModdleProperties(element, timer.get(kind), { body: value || "" });
    },
  });
}

// ---- groups --------------------------------------------------------------------------------

function entry(id, component, isEdited, extra) {
  return Object.assign({ id, component, isEdited }, extra);
}

function isFromGateway(element) {
  const bo = getBusinessObject(element);
  return is(element, "bpmn:SequenceFlow") && bo.sourceRef &&
    (is(bo.sourceRef, "bpmn:ExclusiveGateway") || is(bo.sourceRef, "bpmn:InclusiveGateway"));
}

function groupsFor(element, config) {
  const { words, choices, formUrl } = config;
  const common = { words, choices };
  const groups = [];
  const forms = choices.forms.map((name) => ({ value: name, label: name }));
  const formEntry = (id) => entry(id, PropertySelect, isSelectEntryEdited, Object.assign({
    name: "formJsonSchemaFilename", label: words.form, options: forms,
    description: h(FormLink, { element, words, formUrl }) }, common));
  const text = (id, name, label, description, area, validate) => entry(id, PropertyText,
    area ? isTextAreaEntryEdited : isTextFieldEntryEdited, { name, label, description, area, validate });
  const bo = getBusinessObject(element);

  if (is(element, "bpmn:Lane")) {
    groups.push({ id: "spiff-role", label: words.roleGroup, component: Group,
      entries: [entry("spiff-lane-role", LaneRole, isSelectEntryEdited, common)] });
  }
  if (is(element, "bpmn:UserTask")) {
    groups.push({ id: "spiff-task", label: words.taskGroup, component: Group, entries: [
      formEntry("spiff-form"),
      text("spiff-dueIn", "dueIn", words.dueIn, words.dueInHint, false,
        (value) => (value && !DURATION.test(value.trim()) ? words.dueInWrong : null)),
      text("spiff-fourEyesGroup", "fourEyesGroup", words.fourEyesGroup, words.fourEyesGroupHint),
      entry("spiff-excludeInitiator", PropertyCheckbox, isCheckboxEntryEdited,
        { name: "excludeInitiator", label: words.excludeInitiator }),
    ] });
    groups.push({ id: "spiff-shows", label: words.showsGroup, component: Group, entries: [
      text("spiff-inboxColumns", "inboxColumns", words.inboxColumns, words.inboxColumnsHint, true),
      text("spiff-formValues", "formValues", words.formValues, words.formValuesHint, true),
      text("spiff-formChecks", "formChecks", words.formChecks, words.formChecksHint, true),
      text("spiff-requiredDocuments", "requiredDocuments", words.requiredDocuments, words.requiredDocumentsHint),
    ] });
  }
  if (is(element, "bpmn:StartEvent") && !bo.get("eventDefinitions").length) {
    groups.push({ id: "spiff-start", label: words.startGroup, component: Group, entries: [
      formEntry("spiff-start-form"),
      text("spiff-start-inboxColumns", "inboxColumns", words.inboxColumns, words.inboxColumnsHint, true),
    ] });
  }
  if (is(element, "bpmn:ServiceTask")) {
    const op = operatorOf(element);
    const handler = op && choices.services.find((s) => s.name === op.id);
    const documented = handler ? handler.params : [];
    const present = op && op.get("parameterList") ? op.get("parameterList").get("parameters").map((p) => p.id) : [];
    const names = [...documented.map((p) => p.name), ...present.filter((n) => !documented.some((p) => p.name === n))];
    const entries = [entry("spiff-handler", ServiceHandler, isSelectEntryEdited, common)];
    if (op) {
      entries.push(entry("spiff-resultVariable", ResultVariable, isTextFieldEntryEdited, common));
      names.forEach((name) => entries.push(entry("spiff-parameter-" + name, ServiceParameter, isTextFieldEntryEdited,
        Object.assign({ name, doc: (documented.find((p) => p.name === name) || {}).doc }, common))));
    }
    groups.push({ id: "spiff-service", label: words.serviceGroup, component: Group, entries });
  }
  if (is(element, "bpmn:ScriptTask")) {
    groups.push({ id: "spiff-script", label: words.scriptGroup, component: Group, entries: [
      entry("spiff-script-body", AttributeText, isTextAreaEntryEdited,
        { attr: "script", label: words.script, description: words.scriptHint, area: true }),
    ] });
  }
  if (is(element, "bpmn:BusinessRuleTask")) {
    groups.push({ id: "spiff-decision", label: words.decisionGroup, component: Group, entries: [
      entry("spiff-calledDecisionId", ExtensionBody, isTextFieldEntryEdited,
        { type: "spiffworkflow:CalledDecisionId", label: words.calledDecision }),
    ] });
  }
  if (is(element, "bpmn:CallActivity")) {
    groups.push({ id: "spiff-call", label: words.callGroup, component: Group, entries: [
      entry("spiff-calledElement", CalledProcess, isSelectEntryEdited, common),
    ] });
  }
  if (timerOf(element)) {
    const entries = [entry("spiff-timer-kind", TimerKind, isSelectEntryEdited, common)];
    if (timerKind(timerOf(element))) entries.push(entry("spiff-timer-value", TimerValue, isTextFieldEntryEdited, common));
    groups.push({ id: "spiff-timer", label: words.timerGroup, component: Group, entries });
  }
  if (isFromGateway(element)) {
    groups.push({ id: "spiff-condition", label: words.conditionGroup, component: Group, entries: [
      entry("spiff-condition-expression", Condition, isTextAreaEntryEdited, common),
    ] });
  }
  if (is(element, "bpmn:Task")) {
    groups.push({ id: "spiff-scripts", label: words.scriptsGroup, component: Group, entries: [
      entry("spiff-preScript", ExtensionBody, isTextAreaEntryEdited,
        { type: "spiffworkflow:PreScript", label: words.preScript, area: true }),
      entry("spiff-postScript", ExtensionBody, isTextAreaEntryEdited,
        { type: "spiffworkflow:PostScript", label: words.postScript, area: true }),
    ] });
  }
  return groups;
}

export default function SpiffPropertiesProvider(propertiesPanel, studioConfig) {
  this.getGroups = function (element) {
    return function (groups) {
      // Ours right after "General", before documentation and the rest; our timer group replaces
      // bpmn-js's (which reads the value as a literal, where the engine evaluates an expression).
      const ours = groupsFor(element, studioConfig);
      groups = groups.filter((g) => g.id !== "timer");
      const at = groups.findIndex((g) => g.id === "general") + 1;
      groups.splice(at, 0, ...ours);
      return groups;
    };
  };
  propertiesPanel.registerProvider(500, this);  // reads getGroups at once
}
SpiffPropertiesProvider.$inject = ["propertiesPanel", "config.studio"];

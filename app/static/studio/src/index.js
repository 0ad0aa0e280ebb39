// The studio: the bpmn-js modeler with the properties panel and our spiffworkflow provider.
import Modeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import SpiffPropertiesProvider from "./SpiffPropertiesProvider";
import spiffworkflow from "./spiffworkflow.json";

// bpmn-js and its panel ask `translate` for their own words (General, Name, ID …): the page gives them.
function studioTranslate(config) {
  const words = (config && config.words && config.words.panel) || {};
  return function translate(template, replacements) {
    const text = words[template] || template;
    return text.replace(/{([^}]+)}/g, (all, key) => (replacements && key in replacements ? replacements[key] : all));
  };
}
studioTranslate.$inject = ["config.studio"];

const SpiffModule = {
  __init__: ["spiffPropertiesProvider"],
  spiffPropertiesProvider: ["type", SpiffPropertiesProvider],
  translate: ["factory", studioTranslate],
};

const OPEN_GROUPS = Object.fromEntries(["spiff-role", "spiff-task", "spiff-start", "spiff-service", "spiff-script",
  "spiff-decision", "spiff-call", "spiff-condition", "spiff-timer", "general"].map((id) => [id, { open: true }]));

// options: container, panel (element for the properties panel), studio ({words, choices, formUrl}).
function createStudio(options) {
  return new Modeler({
    container: options.container,
    // Our groups open: they are what a designer comes to the panel for.
    propertiesPanel: { parent: options.panel, layout: { groups: OPEN_GROUPS } },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, SpiffModule],
    moddleExtensions: { spiffworkflow },
    studio: options.studio,
  });
}

window.Studio = { create: createStudio };

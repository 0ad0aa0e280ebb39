// The decisions editor: dmn-js's decision table (and literal expression) editors, without the DRD
// diagram: our DMN files hold decisions without diagram interchange, so a table is what opens.
import EditingManager from "dmn-js-shared/lib/base/EditingManager";
import DecisionTableEditor from "dmn-js-decision-table/lib/Editor";
import LiteralExpressionEditor from "dmn-js-literal-expression/lib/Editor";
import { is } from "dmn-js-shared/lib/util/ModelUtil";

class DecisionsEditor extends EditingManager {
  _getViewProviders() {
    return [{
      id: "decisionTable",
      constructor: DecisionTableEditor,
      opens: (element) => is(element, "dmn:Decision") && is(element.decisionLogic, "dmn:DecisionTable"),
    }, {
      id: "literalExpression",
      constructor: LiteralExpressionEditor,
      opens: (element) => is(element, "dmn:Decision") && is(element.decisionLogic, "dmn:LiteralExpression"),
    }];
  }
}

// dmn-js asks `translate` for its own words (When, Then, Hit policy …): the page gives them.
function wordsModule(words) {
  const translate = (template, replacements) => (words[template] || template)
    .replace(/{([^}]+)}/g, (all, key) => (replacements && key in replacements ? replacements[key] : all));
  return { translate: ["value", translate] };
}

// options: container (element the table is drawn in), words ({English: the user's language}).
function createDecisions(options) {
  const modules = { additionalModules: [wordsModule(options.words || {})] };
  return new DecisionsEditor({ container: options.container, decisionTable: modules, literalExpression: modules });
}

window.Decisions = { create: createDecisions };

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

// options: container (element the table is drawn in).
window.Decisions = { create: (options) => new DecisionsEditor({ container: options.container }) };

// The error notification for a missing or broken server, with a way out.
import * as vscode from 'vscode';
import { SETTINGS_BUTTON, SETUP_BUTTON } from './serverPath';

export const OUTPUT_BUTTON = 'Show output';

export interface ProblemActions {
  openSetup(): Thenable<unknown> | void;
  openSettings(): Thenable<unknown> | void;
  showOutput(): void;
}

/** Shows `message` as an error with "Set-up instructions" first; runs the chosen action. */
export async function showServerProblem(message: string, actions: ProblemActions): Promise<string | undefined> {
  const choice = await vscode.window.showErrorMessage(message, SETUP_BUTTON, SETTINGS_BUTTON, OUTPUT_BUTTON);
  if (choice === SETUP_BUTTON) await actions.openSetup();
  else if (choice === SETTINGS_BUTTON) await actions.openSettings();
  else if (choice === OUTPUT_BUTTON) actions.showOutput();
  return choice;
}

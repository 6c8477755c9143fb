import type { WebViewPort } from "./adapter.ts";
import { officeError } from "./office-async.ts";

// Office's dialog is a window of its own (a popup in Office on the web, a webview on the desktop) in which the
// web view's sign-in runs; only a page of the same origin as asked may answer through it.

const DIALOG_SIZE = { height: 70, width: 40 };

/** The web view through Office: displayDialogAsync for signing in, openBrowserWindow for pages. */
export function officeWebView(): WebViewPort {
  return {
    ask(url, origin) {
      return new Promise((resolve, reject) => {
        Office.context.ui.displayDialogAsync(url, DIALOG_SIZE, (result) => {
          if (result.status !== Office.AsyncResultStatus.Succeeded) return reject(officeError(result.error));
          const dialog = result.value;
          let settled = false;
          const finish = (answer: string | null) => {
            if (settled) return;
            settled = true;
            try {
              dialog.close();
            } catch {
              // closed already (by the person, or by Office)
            }
            resolve(answer);
          };
          dialog.addEventHandler(Office.EventType.DialogMessageReceived, (arg) => {
            if (!("message" in arg)) return;
            // Office names the sender's origin where it supports DialogOrigin 1.1; another page's word is ignored.
            if (arg.origin !== undefined && arg.origin !== origin) return;
            finish(arg.message);
          });
          // 12006: the person closed the dialog; 12002/12003: it could not load or navigated off the service.
          dialog.addEventHandler(Office.EventType.DialogEventReceived, () => finish(null));
        });
      });
    },
    openInBrowser(url) {
      if (Office.context.requirements?.isSetSupported("OpenBrowserWindowApi", "1.1")) Office.context.ui.openBrowserWindow(url);
      else window.open(url, "_blank", "noopener");
    },
  };
}

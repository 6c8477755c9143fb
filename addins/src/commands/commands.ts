// The ribbon's function file. The "Gem i IMS Case" button opens the task pane (ShowTaskpane), so no
// ExecuteFunction commands are registered yet; Office still needs the file to load and report ready.
Office.onReady(() => undefined);

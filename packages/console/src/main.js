/** The admin console's entry: the app shell picks the page from the URL (see console/app). */
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import App from 'console/app';

// The entry point mounts the shell into the page; components never query the document.
// eslint-disable-next-line @lwc/lwc/no-document-query
document.querySelector('#root').append(createElement('console-app', { is: App }));

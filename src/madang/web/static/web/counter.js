/* counter.js: counts a draft as the server does. */

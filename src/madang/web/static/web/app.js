/* app.js: small page behaviours. */

// The pages' own script. The Content-Security-Policy forbids inline script and on…= attributes,
// so behaviour is attached here, by data attributes.

// <select data-submit-on-change>: choosing an option submits its form (the language switcher).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-submit-on-change]")) {
    event.target.form.submit();
  }
});

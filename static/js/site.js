// Site-wide behaviour, kept out of the templates so a strict Content-Security-Policy can forbid inline scripts.
"use strict";
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});

(() => {
  let seen = null;
  const check = () => fetch("/__goodpractice/generation", {cache: "no-store"})
    .then(r => r.text())
    .then(g => { if (seen !== null && g !== seen) location.reload(); seen = g; })
    .catch(() => {})
    .finally(() => setTimeout(check, 700));
  check();
})();

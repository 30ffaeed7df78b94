/* Dashboard charts. Data comes from the page's json_script block (no inline script, CSP-friendly);
   every chart has the same numbers in a <details> table next to it for screen readers. */
(function () {
  "use strict";

  var dataNode = document.getElementById("dashboard-data");
  if (!dataNode || typeof window.Chart === "undefined") {
    return; // the tables still show the data
  }
  var data = JSON.parse(dataNode.textContent);
  var lang = document.documentElement.lang || undefined;
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var animation = reducedMotion ? false : { duration: 400 };

  // Colours by class, in the model's order: negative ones warm, positive green, neutral grey-blue.
  var CLASS_COLOURS = {
    angry: "#c0392b",
    disgust: "#8e5a2b",
    fear: "#9b59b6",
    happy: "#1e8449",
    sad: "#2f6fde",
    surprise: "#d4ac0d",
    neutral: "#7f8c9d"
  };

  function dayLabel(iso) {
    // Parsed as a calendar day, not an instant: "2025-03-01" must not shift with the browser's zone.
    var parts = iso.split("-").map(Number);
    var date = new Date(parts[0], parts[1] - 1, parts[2]);
    return new Intl.DateTimeFormat(lang, { month: "short", day: "numeric" }).format(date);
  }

  function drawNegativeShare() {
    var canvas = document.getElementById("negative-share-chart");
    if (!canvas) {
      return;
    }
    var daily = data.daily;
    var datasets = [];
    if (!data.weekly) {
      datasets.push({
        // The trend: the share over the trailing week, drawn as a line.
        label: canvas.dataset.rollingLabel,
        data: daily.rolling_share,
        borderColor: "#c0392b",
        backgroundColor: "rgba(192, 57, 43, 0.12)",
        fill: true,
        tension: 0.3,
        pointRadius: 0,
        spanGaps: true
      });
    }
    datasets.push({
      // Each day (points only: they jump with one or two photos a day) or each week (a line: weeks are the trend).
      label: canvas.dataset.datasetLabel,
      data: daily.negative_share,
      borderColor: data.weekly ? "#c0392b" : "rgba(127, 140, 157, 0.9)",
      backgroundColor: data.weekly ? "#c0392b" : "rgba(127, 140, 157, 0.6)",
      showLine: data.weekly,
      spanGaps: false,
      clip: 5, // a point at 0 or 100 % is drawn whole, not cut by the chart's edge
      tension: 0.2,
      pointRadius: data.weekly ? 3 : (daily.days.length > 120 ? 1.5 : 2.5)
    });
    new window.Chart(canvas, {
      type: "line",
      data: { labels: daily.days.map(dayLabel), datasets: datasets },
      options: {
        animation: animation,
        maintainAspectRatio: false,
        scales: {
          // One axis per chart: the mood has a chart of its own below.
          y: { min: 0, max: 100, title: { display: true, text: canvas.dataset.axisLabel } },
          x: { ticks: { autoSkip: true, maxTicksLimit: 8, maxRotation: 0 } }
        },
        plugins: {
          annotation: thresholdLine(data.thresholds.negative_percent),
          legend: { display: !data.weekly, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var text = ctx.dataset.label + ": " + ctx.formattedValue + " %";
                if (ctx.dataset.data === daily.negative_share) {
                  text += " (" + canvas.dataset.countLabel + ": " + daily.totals[ctx.dataIndex] + ")";
                }
                return text;
              }
            }
          }
        }
      }
    });
  }

  function drawMood() {
    var canvas = document.getElementById("mood-chart");
    if (!canvas) {
      return;
    }
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.daily.days.map(dayLabel),
        datasets: [{
          label: canvas.dataset.datasetLabel,
          data: data.mood,
          borderColor: "#1e8449",
          backgroundColor: "#1e8449",
          pointRadius: 2.5,
          clip: 5,
          // A day or week without a rating is a gap, never a line drawn across it.
          spanGaps: false
        }]
      },
      options: {
        animation: animation,
        maintainAspectRatio: false,
        scales: {
          y: { min: 1, max: 5, ticks: { stepSize: 1 }, title: { display: true, text: canvas.dataset.axisLabel } },
          x: { ticks: { autoSkip: true, maxTicksLimit: 8, maxRotation: 0 } }
        },
        plugins: { legend: { display: false } }
      }
    });
  }

  // A dashed horizontal line at an alert threshold (chartjs-plugin-annotation; nothing without it). No label on
  // the chart, where it would cover points: the text under the chart says what the line is.
  function thresholdLine(value) {
    return {
      annotations: {
        threshold: {
          type: "line",
          yMin: value,
          yMax: value,
          borderColor: "rgba(212, 172, 13, 0.9)",
          borderWidth: 2,
          borderDash: [4, 4]
        }
      }
    };
  }

  function drawCbi() {
    var canvas = document.getElementById("cbi-chart");
    if (!canvas || !data.cbi.scores.length) {
      return;
    }
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.cbi.days.map(dayLabel),
        datasets: [{
          label: canvas.dataset.datasetLabel,
          data: data.cbi.scores,
          borderColor: "#9b59b6",
          backgroundColor: "#9b59b6",
          tension: 0.2,
          pointRadius: 3
        }]
      },
      options: {
        animation: animation,
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100 }, x: { ticks: { autoSkip: true, maxTicksLimit: 8, maxRotation: 0 } } },
        plugins: {
          annotation: thresholdLine(data.thresholds.cbi),
          legend: { display: false }
        }
      }
    });
  }

  function drawMix() {
    var canvas = document.getElementById("emotion-mix-chart");
    if (!canvas) {
      return;
    }
    var mix = data.mix;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: mix.names,
        datasets: [{
          label: canvas.dataset.datasetLabel,
          data: mix.counts,
          backgroundColor: mix.labels.map(function (label) { return CLASS_COLOURS[label] || "#7f8c9d"; })
        }]
      },
      options: {
        animation: animation,
        maintainAspectRatio: false,
        indexAxis: "y",
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } }
      }
    });
  }

  drawNegativeShare();
  drawMood();
  drawMix();
  drawCbi();
})();

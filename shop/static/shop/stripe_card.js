// Stripe's card field on the card payment page: the card goes from the browser to Stripe, never to our server.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("card-form");
  if (!form || typeof window.Stripe !== "function") {
    return;
  }
  var stripe = window.Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret, locale: "fr" });
  elements.create("payment").mount("#card-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var confirm = form.dataset.savesCard === "true" ? stripe.confirmSetup : stripe.confirmPayment;
    confirm.call(stripe, { elements: elements, confirmParams: { return_url: form.dataset.returnUrl } }).then(function (result) {
      if (result.error) {
        document.getElementById("card-errors").textContent = result.error.message;
      }
    });
  });
});

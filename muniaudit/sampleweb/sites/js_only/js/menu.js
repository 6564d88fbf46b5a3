// Builds the whole navigation of the Nuevo Amanecer demo site (fictional). Without JavaScript there is no menu.
(function () {
  var MENU = [
    ["/", "Inicio"],
    ["/datos-abiertos.html", "Datos abiertos"],
    ["/transparencia.html", "Transparencia"],
    ["/contacto.html", "Contacto"]
  ];
  var REDES = [
    ["https://www.facebook.com/NuevoAmanecerGob", "Facebook"],
    ["https://x.com/NuevoAmanecerMx", "X"],
    ["https://www.instagram.com/nuevoamanecergob/", "Instagram"]
  ];

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function list(items, label) {
    var nav = document.createElement("nav");
    nav.setAttribute("aria-label", label);
    var ul = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.appendChild(link(item[0], item[1]));
      ul.appendChild(li);
    });
    nav.appendChild(ul);
    return nav;
  }

  window.loadPage = function (page) {
    window.location.href = "/" + page;
  };

  document.addEventListener("DOMContentLoaded", function () {
    var app = document.getElementById("app");
    var h1 = document.createElement("h1");
    h1.textContent = "Gobierno Municipal de Nuevo Amanecer";
    app.appendChild(h1);
    app.appendChild(list(MENU, "Menú principal"));
    var p = document.createElement("p");
    p.textContent = "Bienvenidos al portal del Gobierno Municipal de Nuevo Amanecer, Estado de Ejemplo.";
    app.appendChild(p);
    app.appendChild(list(REDES, "Redes sociales"));
  });
})();

from dashboard.views.overview import render

render()

// Names for the article form's widgets that Django's admin scripts draw without
// one (axe: aria-input-field-name, aria-prohibited-attr). Markup only: behaviour
// is the admin's own. Runs once the admin's scripts have drawn their widgets, and
// again for anything drawn later (an inline row added, a select2 redrawn).
"use strict"
{
  const labelIdFor = (control) => {
    const label = control.id && document.querySelector(`label[for="${control.id}"]`)
    if (!label) return null
    label.id ||= `${control.id}_label`
    return label.id
  }

  // Select2 (autocomplete_fields): the combobox is labelled by what is chosen,
  // which is empty until something is; add the field's own label first.
  const nameAutocompletes = (root) => {
    for (const select of root.querySelectorAll("select.admin-autocomplete")) {
      const labelId = labelIdFor(select)
      const container = select.nextElementSibling
      if (!labelId || !container?.classList.contains("select2")) continue
      const combobox = container.querySelector('[role="combobox"]')
      const rendered = container.querySelector(".select2-selection__rendered")
      if (combobox && rendered?.id) {
        combobox.setAttribute("aria-labelledby", `${labelId} ${rendered.id}`)
      }
      if (rendered?.getAttribute("role") === "textbox") {
        rendered.setAttribute("aria-labelledby", labelId)
      }
    }
  }

  // filter_horizontal: the search boxes' icons carry aria-label on a bare span,
  // which has no role to name. They are pictures of a magnifying glass.
  const roleTheIcons = (root) => {
    for (const icon of root.querySelectorAll("span.help-tooltip[aria-label]")) {
      if (!icon.hasAttribute("role")) icon.setAttribute("role", "img")
    }
  }

  const fix = (root) => {
    nameAutocompletes(root)
    roleTheIcons(root)
  }

  window.addEventListener("load", () => {
    // SelectFilter2 and select2 draw on load/ready; let them finish first.
    window.setTimeout(() => {
      fix(document)
      const form = document.querySelector("#article_form")
      if (!form) return
      let pending = false
      new MutationObserver(() => {
        if (pending) return
        pending = true
        window.requestAnimationFrame(() => {
          pending = false
          fix(form)
        })
      }).observe(form, { childList: true, subtree: true })
    })
  })
}

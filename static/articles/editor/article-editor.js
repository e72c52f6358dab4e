// Our extensions for the article body's editor (django-prose-editor's configurable
// preset loads this module; articles/admin.py names the extensions it uses).
//
// ArticleBody: the editing area is labelled by the field's label, described by its
// help text, and spell-checked in British English.
//
// ArticlePicture: the picture node, placed with a toolbar button that lists this
// article's uploaded pictures (the "pictures for the body" inline). What is stored
// is only <img src alt>, the markup articles/html.py keeps; the article page adds
// the resized copies, the description and the credit from the picture's own row,
// so the editor shows the credit the same way but never stores it twice.

import { crel, Extension, gettext, Image, Plugin } from "django-prose-editor/editor"

let dialogCount = 0

const bodyAttributes = (editor) => {
  const textarea = editor.options.element.querySelector("textarea")
  const attributes = { spellcheck: "true", lang: "en-GB", "aria-multiline": "true" }
  if (!textarea) return attributes
  const label = document.querySelector(`label[for="${textarea.id}"]`)
  if (label) {
    label.id ||= `${textarea.id}_label`
    attributes["aria-labelledby"] = label.id
  }
  const help = textarea.getAttribute("aria-describedby")
  if (help) attributes["aria-describedby"] = help
  return attributes
}

export const ArticleBody = Extension.create({
  name: "articleBody",

  addProseMirrorPlugins() {
    let attributes = null
    // Props, not setAttribute: ProseMirror keeps these on the editing area.
    return [
      new Plugin({
        props: {
          attributes: () => {
            attributes ||= bodyAttributes(this.editor)
            return attributes
          },
        },
      }),
    ]
  },
})

const loadPictures = (storage, url) => {
  if (!url) return Promise.resolve([])
  storage.request ||= fetch(url, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then((response) => {
      if (!response.ok) throw new Error(`pictures: ${response.status}`)
      return response.json()
    })
    .then((data) => data.pictures)
    .catch((error) => {
      storage.request = null // try again next time
      throw error
    })
  return storage.request
}

const captionFor = (picture) => {
  if (!picture) {
    return gettext(
      "Not one of this article's pictures: it will not be shown. Remove it and" +
        " choose one with the picture button.",
    )
  }
  return picture.credit ? `${gettext("Credit:")} ${picture.credit}` : ""
}

const choice = (picture) =>
  crel("li", {}, [
    crel("button", { type: "button", className: "article-picture-choice" }, [
      crel("img", { src: picture.thumbnail, alt: "" }),
      crel("span", { className: "article-picture-choice__text" }, [
        crel("span", {
          className: "article-picture-choice__description",
          textContent: picture.description,
        }),
        crel("span", {
          className: "article-picture-choice__credit",
          textContent: picture.credit
            ? `${gettext("Credit:")} ${picture.credit}`
            : gettext("No credit"),
        }),
      ]),
    ]),
  ])

// A modal dialog listing the pictures as buttons: Tab between them, Enter or Space
// places one, Escape (or Cancel) closes and puts the cursor back in the text.
const openPicker = (editor, url, storage) => {
  const id = `article-picture-dialog-${++dialogCount}`
  const status = crel("p", {
    className: "article-picture-status",
    textContent: gettext("Loading the pictures…"),
  })
  const list = crel("ul", { className: "article-picture-list" })
  const cancel = crel("button", {
    type: "button",
    className: "article-picture-cancel",
    textContent: gettext("Cancel"),
  })
  const dialog = crel(
    "dialog",
    {
      className: "prose-editor-dialog article-picture-dialog",
      "aria-labelledby": `${id}-title`,
    },
    [
      crel("h2", { id: `${id}-title`, textContent: gettext("Choose a picture") }),
      status,
      list,
      crel("div", { className: "article-picture-buttons" }, [cancel]),
    ],
  )
  let chosen = null
  cancel.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => {
    dialog.remove()
    const chain = editor.chain().focus()
    if (chosen) {
      chain.insertContent({
        type: "image",
        attrs: { src: chosen.url, alt: chosen.description },
      })
    }
    chain.run()
  })
  document.body.append(dialog)
  dialog.showModal()

  const empty = gettext(
    "There are no pictures to choose yet. Upload one under “Pictures for the" +
      " body” below, with its description and credit, then save the article" +
      " (“Save and continue editing”); it will be listed here.",
  )
  if (!url) {
    status.textContent = empty
    return
  }
  storage.request = null // pictures may have been uploaded since the last look
  loadPictures(storage, url)
    .then((pictures) => {
      if (!pictures.length) {
        status.textContent = empty
        return
      }
      status.textContent = gettext(
        "This article's pictures. The description and credit come from" +
          " “Pictures for the body”; change them there.",
      )
      for (const picture of pictures) {
        const item = choice(picture)
        item.querySelector("button").addEventListener("click", () => {
          chosen = picture
          dialog.close()
        })
        list.append(item)
      }
      list.querySelector("button").focus()
    })
    .catch(() => {
      status.textContent = gettext(
        "The pictures could not be loaded. Save the article and try again.",
      )
    })
}

export const ArticlePicture = Image.extend({
  addOptions() {
    return { ...this.parent?.(), picturesUrl: "" }
  },

  addStorage() {
    return { request: null }
  },

  addNodeView() {
    return ({ node }) => {
      const image = crel("img", { src: node.attrs.src || "", alt: node.attrs.alt || "" })
      const caption = crel("figcaption", { className: "article-picture-caption" })
      const dom = crel("figure", { className: "article-picture", contentEditable: false }, [
        image,
        caption,
      ])
      loadPictures(this.storage, this.options.picturesUrl)
        .then((pictures) => {
          const picture = pictures.find((p) => p.url === node.attrs.src)
          caption.textContent = captionFor(picture)
          caption.classList.toggle("article-picture-caption--warning", !picture)
          if (picture) image.alt = picture.description
        })
        .catch(() => {})
      return { dom }
    }
  },

  addCommands() {
    return {
      ...this.parent?.(),
      choosePicture:
        () =>
        ({ editor }) => {
          openPicker(editor, this.options.picturesUrl, this.storage)
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "articlePicture",
      groups: "nodes",
      command: (editor) => editor.commands.choosePicture(),
      button: buttons.material("image", gettext("Insert a picture")),
    })
  },
})

;;; emacs.el --- end-to-end check of `unspun serve' with eglot  -*- lexical-binding: t -*-

;; Run by test_emacs.py as:  emacs --batch -l init.el -l emacs.el
;; (not -Q: that would skip Debian's site-lisp, where elpa-eglot lives), where init.el is the eglot
;; configuration of docs/editors.md, copied as it stands there: it starts unspun for text-mode buffers and
;; runs fix-all from before-save-hook. This script does what a user would.
;; Environment: UNSPUN_DOC (the file to open), UNSPUN_QUICKFIX (phrase to fix with a quick fix),
;; UNSPUN_OUT (JSON report written here). The report records each step; the Python test makes the assertions.

(require 'eglot)
(require 'json)
(require 'cl-lib)

;;; The test ---------------------------------------------------------------------------------------------

(defvar unspun-test-steps nil)
(defun unspun-test-step (name value) (push (cons name value) unspun-test-steps))
(defun unspun-test-bool (value) (if value t :json-false))

(defun unspun-test-wait (predicate seconds)
  "Let Emacs process server output and timers until PREDICATE is true or SECONDS pass."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun unspun-test-messages ()
  (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))

(defun unspun-test-any-message (phrase)
  (cl-some (lambda (m) (string-search phrase m)) (unspun-test-messages)))

(defun unspun-test-current-line ()
  (buffer-substring-no-properties (line-beginning-position) (line-end-position)))

(defun unspun-test-finish (error)
  (with-temp-file (getenv "UNSPUN_OUT")
    (insert (json-encode `((steps . ,unspun-test-steps) ,@(when error `((error . ,error)))))))
  (kill-emacs 0))

;; With UNSPUN_SERVER_SAVE=1 the configuration's own fix-all is switched off, and the documented
;; `fixAllOnSave' setting is loaded after it: only the server's willSaveWaitUntil answer can fix the file then.
(when (equal (getenv "UNSPUN_SERVER_SAVE") "1")
  (fset 'unspun-fix-all #'ignore))

(condition-case err
    (let ((phrase (getenv "UNSPUN_QUICKFIX"))
          offered)
      (find-file (getenv "UNSPUN_DOC"))
      (text-mode)                       ; Debian's Emacs has no markdown-mode
      (run-hooks 'post-command-hook)    ; what eglot-ensure waits for after a command
      (unspun-test-step 'managed (unspun-test-bool (unspun-test-wait #'eglot-managed-p 15)))

      ;; 1. diagnostics appear (flymake, fed by eglot)
      (unspun-test-step 'diagnostics_arrived
                        (unspun-test-bool (unspun-test-wait (lambda () (unspun-test-any-message phrase)) 20)))
      (unspun-test-step 'diagnostics (vconcat (unspun-test-messages)))

      ;; 2. the paragraphs' spin scores: M-x unspun-spin-scores, then back to the document
      (let ((doc (current-buffer)))
        (call-interactively #'unspun-spin-scores)
        (with-current-buffer "*unspun spin scores*"
          (unspun-test-step 'spin_scores
                            (vconcat (split-string (buffer-substring-no-properties (point-min) (point-max))
                                                   "\n" t))))
        (set-buffer doc))

      ;; 3. a quick fix through M-x eglot-code-actions at point, picking the replacement from the menu
      (goto-char (point-min))
      (search-forward phrase)
      (goto-char (match-beginning 0))
      (let ((before (unspun-test-current-line))
            (last-nonmenu-event 13))    ; as if typed: eglot offers a completing-read menu, not a popup
        (cl-letf (((symbol-function 'completing-read)
                   (lambda (_prompt items &rest _)
                     (setq offered (mapcar #'car items))
                     (cl-find-if (lambda (title) (and (string-prefix-p "Replace" title) (string-search phrase title)))
                                 offered))))
          (call-interactively #'eglot-code-actions))
        (unspun-test-step 'offered (vconcat offered))
        (unspun-test-wait (lambda () (not (equal before (unspun-test-current-line)))) 10)
        (unspun-test-step 'line_after_quickfix (unspun-test-current-line)))
      ;; batch Emacs runs no idle timers: do what they would (send the change, re-run flymake)
      (eglot--signal-textDocument/didChange)
      (unspun-test-step 'quickfix_diagnostic_gone
                        (unspun-test-bool (unspun-test-wait (lambda () (flymake-start)
                                                              (not (unspun-test-any-message phrase)))
                                                            10)))

      ;; 4. fix-all on save (the configuration's before-save-hook, or with UNSPUN_SERVER_SAVE=1 the server's
      ;;    willSaveWaitUntil answer); the test checks the file on disk
      (save-buffer)
      (unspun-test-step 'written t)
      (eglot-shutdown (eglot-current-server))
      (unspun-test-finish nil))
  (error (unspun-test-finish (format "%S" err))))

;;; emacs.el ends here

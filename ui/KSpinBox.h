#pragma once
// The K box: a spin box that accepts digits only after its "K = " prefix (a
// typed "+" or letter never shows up as "K = +10"), and treats + and - as
// steps up and down, as the window's K shortcuts do.

#include <QSpinBox>

namespace tl::ui {

class KSpinBox : public QSpinBox {
    Q_OBJECT
public:
    explicit KSpinBox(QWidget* parent = nullptr);

    QValidator::State validate(QString& input, int& pos) const override;

protected:
    void keyPressEvent(QKeyEvent* event) override;
};

}  // namespace tl::ui

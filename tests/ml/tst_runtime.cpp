#include "core/ml/runtime.h"

#include <QTest>

class TestRuntime : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void reportsVersionAndHonoursThreadCount()
    {
        ecgscope::ml::setThreadCount(2);
        QVERIFY2(ecgscope::ml::runtimeInfo().startsWith(QStringLiteral("LibTorch 1.13")), qPrintable(ecgscope::ml::runtimeInfo()));
        QVERIFY(ecgscope::ml::runtimeInfo().contains(QStringLiteral("2 intra-op threads")));
        ecgscope::ml::setThreadCount(1);
        QVERIFY(ecgscope::ml::runtimeInfo().contains(QStringLiteral("1 intra-op threads")));
    }
};

QTEST_APPLESS_MAIN(TestRuntime)
#include "tst_runtime.moc"
